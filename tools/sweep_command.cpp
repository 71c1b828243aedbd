// SPDX-License-Identifier: Apache-2.0
#include "tools/sweep_command.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "net/input_error.hpp"
#include "testbench/sweep/cell_runner.hpp"
#include "testbench/sweep/cell_scenario.hpp"
#include "testbench/sweep/job_backends.hpp"
#include "testbench/sweep/matrix.hpp"
#include "testbench/sweep/process.hpp"
#include "tools/merge_command.hpp"

namespace flowsim::tools {
namespace {

namespace fs = std::filesystem;

// The running flowsim binary, which every cell runs as `flowsim replay`.
fs::path self_executable() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw net::InputError(std::string("cannot find the flowsim executable (/proc/self/exe): ") + ec.message());
  return p;
}

// The cell index: given, or from the job engine's environment.
std::size_t cell_index(const std::string& given, std::size_t cells) {
  std::string text = given;
  std::string source = "--cell";
  if (text.empty()) {
    for (const char* var : {"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"}) {
      if (const char* v = std::getenv(var); v && *v) {
        text = v;
        source = var;
        break;
      }
    }
  }
  if (text.empty()) {
    throw net::InputError("--cell without a number needs SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX in the environment");
  }
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    throw net::InputError(source + ": expected a cell index, got '" + text + "'");
  }
  if (n >= cells) {
    throw net::InputError(source + ": cell " + text + " does not exist (the matrix has " + std::to_string(cells) +
                          " cells, 0.." + std::to_string(cells - 1) + ")");
  }
  return n;
}

void write_file(const fs::path& p, const std::string& text, bool executable) {
  sweep::write_atomically(p, text);
  if (executable) fs::permissions(p, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
}

}  // namespace

SweepCommand::SweepCommand(CLI::App& app, const CLI::App& replay) : replay_(replay) {
  sub_ = app.add_subcommand("sweep", "run a matrix of replays (cells): locally, on Slurm or on Kubernetes");
  sub_->add_option("matrix", matrix_, "matrix file (YAML)")->required();
  sub_->add_option("-o,--out", out_, "output folder (default: sweep-NAME)");
  sub_->add_option("--cell", cell_,
                   "run one cell: this index, or with no value the one SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX names")
      ->expected(0, 1);
  sub_->add_flag("--list", list_, "print the cells (index, id, axis values) and stop");
  sub_->add_flag("--force", force_, "run finished cells again (their cell.json is removed first)");
  sub_->add_option("-j,--jobs", jobs_,
                   "local: cells at once (default: the number of cores); slurm/kubernetes: at most this many at once");
  sub_->add_option("--backend", backend_, "local (run here), slurm (job array) or kubernetes (Indexed Job manifest)")
      ->check(CLI::IsMember({"local", "slurm", "kubernetes"}))
      ->capture_default_str();
  sub_->add_flag("--submit", submit_, "slurm: submit the array and the dependent merge job with sbatch");
  sub_->add_flag("--wait", wait_, "slurm: with --submit, wait for the merge job and print the merged table");
  sub_->add_option("--sbatch-option", sbatch_args_, "slurm: an extra #SBATCH line, e.g. --partition=main");
  sub_->add_option("--image", image_, "kubernetes: the container image with flowsim on PATH")->capture_default_str();
  sub_->add_option("--claim", claim_, "kubernetes: the PersistentVolumeClaim holding inputs and outputs")
      ->capture_default_str();
  sub_->add_option("--mount", mount_,
                   "kubernetes: where the claim is mounted (default: the folder holding the matrix and --out)");
}

int SweepCommand::run() const {
  try {
    return run_checked();
  } catch (const net::InputError& e) {
    std::cerr << "flowsim: " << e.what() << "\n";
    return 2;
  } catch (const fs::filesystem_error& e) {
    std::cerr << "flowsim: " << e.what() << "\n";
    return 2;
  }
}

int SweepCommand::run_checked() const {
  const sweep::Matrix matrix = sweep::load_matrix(matrix_, [this](const std::string& option) {
    return replay_.get_option_no_throw(option) != nullptr;
  });
  const std::vector<sweep::Cell> cells = sweep::expand(matrix);
  if (list_) {
    for (const sweep::Cell& c : cells) {
      std::cout << c.index << "\t" << c.id;
      for (std::size_t a = 0; a < c.labels.size(); ++a) {
        if (matrix.axes[a].in_file) std::cout << "\t" << c.labels[a].first << ": " << c.labels[a].second;
      }
      std::cout << "\n";
    }
    return 0;
  }
  const fs::path out = fs::absolute(out_.empty() ? "sweep-" + matrix.name : out_).lexically_normal();
  fs::create_directories(out);
  sweep::write_plan(out, matrix, cells);
  const fs::path self = self_executable();

  if (sub_->count("--cell") > 0) {
    const sweep::Cell& cell = cells[cell_index(cell_, cells.size())];
    if (force_) fs::remove(sweep::cell_dir(out, cell) / "cell.json");
    if (sweep::cell_finished(out, cell)) {
      std::cout << "cell " << cell.index << " (" << cell.id << ") already finished; skipped\n";
      return 0;
    }
    const int code = sweep::run_cell(matrix, cell, out, self);
    std::cout << "cell " << cell.index << " (" << cell.id << "): "
              << (code < 128 ? sweep::status_of_exit_code(code) : "killed") << " (exit " << code << ")\n";
    return code;
  }

  // Every cell's scenario is checked before anything runs or is submitted.
  std::vector<std::size_t> todo;
  for (const sweep::Cell& c : cells) {
    if (force_) fs::remove(sweep::cell_dir(out, c) / "cell.json");
    sweep::write_and_check_cell_scenario(matrix, c, sweep::cell_dir(out, c) / "scenario.yaml");
    if (!sweep::cell_finished(out, c)) todo.push_back(c.index);
  }

  sweep::JobSpec job{matrix.name, self, matrix.file, out, cells.size(), todo, jobs_};
  if (backend_ == "local") {
    const unsigned jobs = jobs_ ? jobs_ : std::max(1u, std::thread::hardware_concurrency());
    std::cout << "sweep " << matrix.name << ": " << cells.size() << " cells, " << jobs << " at a time, into "
              << out.string() << "\n";
    sweep::run_local(matrix, cells, out, self, jobs, std::cout);
    std::cout << "\n";
    return merge_and_print(out.string(), true);
  }
  if (backend_ == "slurm") {
    const fs::path dir = out / "slurm";
    write_file(dir / "cells.sbatch", sweep::slurm_array_script(job, sbatch_args_), true);
    write_file(dir / "merge.sbatch", sweep::slurm_merge_script(job), true);
    if (todo.empty()) {
      std::cout << "every cell is finished; merge with: flowsim merge " << out.string() << "\n";
      return submit_ ? merge_and_print(out.string(), true) : 0;
    }
    if (!submit_) {
      std::cout << "wrote " << (dir / "cells.sbatch").string() << " (" << todo.size() << " array tasks) and "
                << (dir / "merge.sbatch").string() << "; submit with:\n"
                << "  jobid=$(sbatch --parsable " << (dir / "cells.sbatch").string() << ")\n"
                << "  sbatch --dependency=afterany:${jobid%%;*} " << (dir / "merge.sbatch").string() << "\n";
      return 0;
    }
    const sweep::ProcessResult array = sweep::run_program({"sbatch", "--parsable", (dir / "cells.sbatch").string()});
    if (array.exit_code != 0) throw net::InputError("sbatch failed: " + array.output);
    const std::string array_id = array.output.substr(0, array.output.find_first_of(";\n"));
    std::vector<std::string> merge_args = {"sbatch", "--parsable", "--dependency=afterany:" + array_id};
    if (wait_) merge_args.push_back("--wait");
    merge_args.push_back((dir / "merge.sbatch").string());
    std::cout << "submitted array job " << array_id << " (" << todo.size() << " cells)\n" << std::flush;
    const sweep::ProcessResult merge = sweep::run_program(merge_args);
    const std::string merge_id = merge.output.substr(0, merge.output.find_first_of(";\n"));
    if (!wait_) {
      if (merge.exit_code != 0) throw net::InputError("sbatch failed: " + merge.output);
      std::cout << "submitted merge job " << merge_id << " (after the array); its output: "
                << (dir / "merge.log").string() << "\n";
      return 0;
    }
    // With --wait, sbatch's status is the merge job's: 0, or that cells did not pass.
    std::cout << "merge job " << merge_id << " finished\n\n";
    std::ifstream table(out / "merged.txt");
    if (!table) throw net::InputError("the merge job wrote no merged.txt (see " + (dir / "merge.log").string() + ")");
    std::cout << table.rdbuf();
    return merge.exit_code == 0 ? 0 : kExitCellsNotPassed;
  }
  // kubernetes
  sweep::KubernetesOptions k;
  k.image = image_;
  k.claim = claim_;
  k.mount = mount_.empty() ? sweep::common_folder(matrix.file.parent_path(), out) : fs::path(mount_);
  const fs::path dir = out / "kubernetes";
  write_file(dir / "job.yaml", sweep::kubernetes_indexed_job(job, k), false);
  write_file(dir / "merge-job.yaml", sweep::kubernetes_merge_job(job, k), false);
  std::cout << "wrote " << (dir / "job.yaml").string() << " (Indexed Job, " << cells.size() << " completions) and "
            << (dir / "merge-job.yaml").string() << "; run with:\n"
            << "  kubectl apply -f " << (dir / "job.yaml").string() << "\n"
            << "  kubectl wait --for=condition=complete --timeout=24h job/" << sweep::kubernetes_job_name(matrix.name) << "\n"
            << "  kubectl apply -f " << (dir / "merge-job.yaml").string() << "\n";
  return 0;
}

}  // namespace flowsim::tools
