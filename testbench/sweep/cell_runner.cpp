// SPDX-License-Identifier: Apache-2.0
#include "testbench/sweep/cell_runner.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "net/input_error.hpp"
#include "testbench/sweep/cell_scenario.hpp"

extern char** environ;

namespace flowsim::sweep {
namespace {

constexpr const char* kMarker = "cell.json";
constexpr const char* kLog = "flowsim.log";

nlohmann::ordered_json labels_json(const Cell& cell) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [axis, label] : cell.labels) j[axis] = label;
  return j;
}

// The last line of the log that says something: what a failed replay printed last.
std::string last_line(const std::filesystem::path& log) {
  std::ifstream in(log);
  std::string line;
  std::string last;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  return last;
}

}  // namespace

std::filesystem::path cell_dir(const std::filesystem::path& out, const Cell& cell) { return out / "cells" / cell.id; }

bool cell_finished(const std::filesystem::path& out, const Cell& cell) {
  std::error_code ec;
  return std::filesystem::is_regular_file(cell_dir(out, cell) / kMarker, ec);
}

void write_atomically(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  const std::filesystem::path tmp = path.string() + ".tmp." + std::to_string(getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw net::InputError(tmp.string() + ": cannot create: " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw net::InputError(tmp.string() + ": cannot write: " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  // On a shared cluster file system the marker must not be seen before its content.
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    throw net::InputError(path.string() + ": cannot rename into place: " + std::strerror(errno));
  }
}

void write_plan(const std::filesystem::path& out, const Matrix& matrix, const std::vector<Cell>& cells) {
  nlohmann::ordered_json j;
  j["matrix"] = matrix.name;
  j["description"] = matrix.description;
  auto& list = j["cells"] = nlohmann::ordered_json::array();
  for (const Cell& c : cells) {
    nlohmann::ordered_json cj;
    cj["index"] = c.index;
    cj["id"] = c.id;
    cj["group"] = c.group;
    cj["labels"] = labels_json(c);
    if (c.shard) {
      cj["shard"] = c.shard->index;
      cj["shards"] = c.shard->count;
    }
    list.push_back(std::move(cj));
  }
  write_atomically(out / "plan.json", j.dump(2) + "\n");
}

std::string status_of_exit_code(int code) {
  switch (code) {
    case 0: return "passed";
    case 1:  // usage
    case 2:  // bad input
    case 3:  // device error
      return "error";
    default: return "failed";
  }
}

pid_t start_cell(const Matrix& matrix, const Cell& cell, const std::filesystem::path& out,
                 const std::filesystem::path& flowsim) {
  const std::filesystem::path dir = cell_dir(out, cell);
  const std::filesystem::path scenario = dir / "scenario.yaml";
  write_and_check_cell_scenario(matrix, cell, scenario);

  std::vector<std::string> args = {flowsim.string(), "replay", scenario.string(), "--out", dir.string()};
  args.insert(args.end(), cell.replay_args.begin(), cell.replay_args.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = (dir / kLog).string();
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw net::InputError(flowsim.string() + ": cannot start: " + std::strerror(rc));
  return pid;
}

int finish_cell(const Cell& cell, const std::filesystem::path& out, int wait_status, double wall_seconds) {
  if (!WIFEXITED(wait_status)) return -1;
  const int code = WEXITSTATUS(wait_status);
  const std::filesystem::path dir = cell_dir(out, cell);
  nlohmann::ordered_json j;
  j["index"] = cell.index;
  j["id"] = cell.id;
  j["labels"] = labels_json(cell);
  j["status"] = status_of_exit_code(code);
  j["exit_code"] = code;
  j["message"] = code == 0 ? std::string() : last_line(dir / kLog);
  j["replay_args"] = cell.replay_args;
  j["wall_seconds"] = wall_seconds;
  write_atomically(dir / kMarker, j.dump(2) + "\n");
  return code;
}

int run_cell(const Matrix& matrix, const Cell& cell, const std::filesystem::path& out,
             const std::filesystem::path& flowsim) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = start_cell(matrix, cell, out, flowsim);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw net::InputError(std::string("waitpid: ") + std::strerror(errno));
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int code = finish_cell(cell, out, status, wall);
  return code >= 0 ? code : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::size_t run_local(const Matrix& matrix, const std::vector<Cell>& cells, const std::filesystem::path& out,
                      const std::filesystem::path& flowsim, unsigned jobs, std::ostream& progress) {
  std::vector<const Cell*> todo;
  for (const Cell& c : cells) {
    if (!cell_finished(out, c)) todo.push_back(&c);
  }
  const std::size_t skipped = cells.size() - todo.size();
  if (skipped) progress << skipped << " of " << cells.size() << " cells already finished, skipped\n";
  struct Running {
    const Cell* cell;
    std::chrono::steady_clock::time_point start;
  };
  std::map<pid_t, Running> running;
  std::size_t next = 0;
  std::size_t done = 0;
  std::size_t not_passed = 0;
  jobs = std::max(1u, jobs);
  while (next < todo.size() || !running.empty()) {
    while (next < todo.size() && running.size() < jobs) {
      const Cell* c = todo[next++];
      running.emplace(start_cell(matrix, *c, out, flowsim), Running{c, std::chrono::steady_clock::now()});
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw net::InputError(std::string("waitpid: ") + std::strerror(errno));
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const Running r = it->second;
    running.erase(it);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - r.start).count();
    const int code = finish_cell(*r.cell, out, status, wall);
    ++done;
    const std::string status_text =
        code < 0 ? "killed by signal " + std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0)
                 : status_of_exit_code(code) + (code ? " (exit " + std::to_string(code) + ")" : "");
    if (code != 0) ++not_passed;
    char wall_text[32];
    std::snprintf(wall_text, sizeof wall_text, "%.1f s", wall);
    progress << "[" << done << "/" << todo.size() << "] cell " << r.cell->index << " " << r.cell->id << ": "
             << status_text << " (" << wall_text << ")\n";
    progress.flush();
  }
  return not_passed;
}

}  // namespace flowsim::sweep
