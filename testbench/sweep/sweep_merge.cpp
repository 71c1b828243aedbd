// SPDX-License-Identifier: Apache-2.0
#include "testbench/sweep/sweep_merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "net/input_error.hpp"
#include "testbench/sweep/cell_runner.hpp"
#include "testbench/sweep/pcap_merge.hpp"
#include "testbench/sweep/process.hpp"
#include "testbench/sweep/report_merge.hpp"

namespace flowsim::sweep {
namespace {

using Json = nlohmann::ordered_json;

Json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) throw net::InputError(p.string() + ": cannot open");
  try {
    return Json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw net::InputError(p.string() + ": not JSON: " + e.what());
  }
}

struct CellState {
  Json plan;    // the cell's entry in plan.json
  Json marker;  // cell.json, or null if the cell never finished
  Json report;  // report.json, or null
  std::string status;  // passed, failed, error, missing
  std::string message;
};

std::string xml_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        // XML 1.0 allows no control characters but tab and newlines.
        out += (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') ? '?' : c;
    }
  }
  return out;
}

std::string gnuplot_quote(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

// The worst status of a group's cells decides the row's.
int severity(const std::string& status) {
  return status == "passed" ? 0 : status == "failed" ? 1 : status == "error" ? 2 : 3;
}

std::string junit(const std::string& matrix, const std::vector<CellState>& cells, const MergeSummary& s) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::size_t errors = s.errors + s.missing;
  x += fmt::format("<testsuites name=\"flowsim sweep {0}\" tests=\"{1}\" failures=\"{2}\" errors=\"{3}\">\n",
                   xml_escape(matrix), s.cells, s.failed, errors);
  x += fmt::format("  <testsuite name=\"{0}\" tests=\"{1}\" failures=\"{2}\" errors=\"{3}\" skipped=\"0\">\n",
                   xml_escape(matrix), s.cells, s.failed, errors);
  for (const CellState& c : cells) {
    const std::string id = c.plan["id"].get<std::string>();
    const double time = c.marker.is_object() ? c.marker.value("wall_seconds", 0.0) : 0.0;
    x += fmt::format("    <testcase classname=\"flowsim.sweep.{0}\" name=\"{1}\" time=\"{2:.3f}\"",
                     xml_escape(matrix), xml_escape(id), time);
    if (c.status == "passed") {
      x += "/>\n";
      continue;
    }
    const char* tag = c.status == "failed" ? "failure" : "error";
    x += fmt::format(">\n      <{0} message=\"{1}\" type=\"{2}\">{3}</{0}>\n    </testcase>\n", tag,
                     xml_escape(c.message), c.status, xml_escape("cell " + std::to_string(c.plan["index"].get<std::size_t>()) +
                                                                   ": " + c.message));
  }
  x += "  </testsuite>\n</testsuites>\n";
  return x;
}

// Interleaves every pcap the first shard wrote (all shards write the same set).
void merge_shard_outputs(const std::filesystem::path& dir, const std::vector<const CellState*>& shards,
                         const std::filesystem::path& group_dir) {
  std::filesystem::create_directories(group_dir);
  const std::filesystem::path first = dir / "cells" / shards.front()->plan["id"].get<std::string>();
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(first)) {
    if (e.path().extension() == ".pcap") names.insert(e.path().filename().string());
  }
  for (const std::string& name : names) {
    std::vector<std::filesystem::path> inputs;
    for (const CellState* c : shards) {
      const std::filesystem::path p = dir / "cells" / c->plan["id"].get<std::string>() / name;
      if (std::filesystem::exists(p)) inputs.push_back(p);
    }
    interleave_pcaps(inputs, group_dir / name);
  }
}

void draw_plot(const std::filesystem::path& dir, const std::string& matrix, const Json& rows,
               const std::vector<std::pair<std::string, std::vector<std::string>>>& axes,
               const std::filesystem::path& gnuplot) {
  // plot.dat: per row, the position of its value on every varying axis, then the figures.
  std::string dat = "# row";
  for (const auto& [axis, values] : axes) dat += "\t" + axis;
  dat += "\thit_rate_percent\tthroughput_pps\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    dat += std::to_string(r);
    for (const auto& [axis, values] : axes) {
      const std::string label = rows[r]["labels"].value(axis, "");
      dat += "\t" + std::to_string(std::find(values.begin(), values.end(), label) - values.begin());
    }
    dat += fmt::format("\t{:.4f}\t{:.3f}\n", 100.0 * rows[r]["hit_rate"].get<double>(),
                       rows[r]["throughput_pps"].get<double>());
  }
  std::ofstream(dir / "plot.dat") << dat;

  const std::size_t panels = std::max<std::size_t>(axes.size(), 1);
  std::string gp;
  gp += fmt::format("set terminal svg size 960,{} dynamic font \"sans,11\" background \"white\"\n", 60 + 300 * panels);
  // Relative names (gnuplot runs in DIR): the same cells give the same plot wherever they are.
  gp += "set output \"plot.svg\"\n";
  gp += "set termoption noenhanced\nset datafile separator \"\\t\"\nset grid ytics\nset key off\nset xtics rotate by -25 nomirror\n";
  gp += fmt::format("set multiplot layout {},2 title {}\n", panels,
                    gnuplot_quote("flowsim sweep " + matrix + ": offload hit rate and throughput"));
  const std::string data = "\"plot.dat\"";
  const std::size_t hit_col = axes.size() + 2;
  auto panel = [&](const std::string& title, std::size_t xcol, const std::string& xtics, std::size_t n) {
    gp += fmt::format("set xrange [-0.5:{}]\nset xtics ({})\n", static_cast<double>(n) - 0.5, xtics);
    gp += "set title " + gnuplot_quote("offload hit rate by " + title) + "\nset yrange [0:100]\nset ylabel \"%\"\n";
    gp += fmt::format("plot {} using {}:{} with points pt 7 ps 1.5 lc rgb \"#1f77b4\"\n", data, xcol, hit_col);
    gp += "set title " + gnuplot_quote("throughput by " + title) + "\nset yrange [0:*]\nset ylabel \"packets/s\"\n";
    gp += fmt::format("plot {} using {}:{} with points pt 7 ps 1.5 lc rgb \"#d62728\"\n", data, xcol, hit_col + 1);
  };
  if (axes.empty()) {
    std::string xtics;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      xtics += (r ? ", " : "") + gnuplot_quote(rows[r]["id"].get<std::string>()) + " " + std::to_string(r);
    }
    panel("cell", 1, xtics, rows.size());
  }
  for (std::size_t a = 0; a < axes.size(); ++a) {
    std::string xtics;
    for (std::size_t v = 0; v < axes[a].second.size(); ++v) {
      xtics += (v ? ", " : "") + gnuplot_quote(axes[a].second[v]) + " " + std::to_string(v);
    }
    panel(axes[a].first, a + 2, xtics, axes[a].second.size());
  }
  gp += "unset multiplot\n";
  std::ofstream(dir / "plot.gp") << gp;

  const ProcessResult r = run_program({gnuplot.string(), "plot.gp"}, dir.string());
  if (r.exit_code != 0) {
    throw net::InputError(gnuplot.string() + " failed on " + (dir / "plot.gp").string() + ": " + r.output);
  }
}

}  // namespace

MergeSummary merge_sweep(const std::filesystem::path& dir, const std::optional<std::filesystem::path>& gnuplot) {
  const std::filesystem::path plan_file = dir / "plan.json";
  if (!std::filesystem::exists(plan_file)) {
    throw net::InputError(dir.string() + ": no plan.json; not the output folder of flowsim sweep");
  }
  const Json plan = read_json(plan_file);
  const std::string matrix = plan.value("matrix", "");
  MergeSummary s;
  std::vector<CellState> cells;
  for (const Json& p : plan["cells"]) {
    CellState c;
    c.plan = p;
    const std::filesystem::path cdir = dir / "cells" / p["id"].get<std::string>();
    if (std::filesystem::exists(cdir / "cell.json")) {
      c.marker = read_json(cdir / "cell.json");
      c.status = c.marker.value("status", "error");
      c.message = c.marker.value("message", "");
      if (std::filesystem::exists(cdir / "report.json")) c.report = read_json(cdir / "report.json");
      if (c.status == "passed" && c.report.is_null()) {
        c.status = "error";
        c.message = "the replay passed but wrote no report.json";
      }
    } else {
      c.status = "missing";
      c.message = "never finished (no cell.json in " + cdir.string() + ")";
    }
    ++s.cells;
    if (c.status == "passed") ++s.passed;
    if (c.status == "failed") ++s.failed;
    if (c.status == "error") ++s.errors;
    if (c.status == "missing") ++s.missing;
    cells.push_back(std::move(c));
  }

  // Rows: groups of shards in plan order (a cell without shards is a group of one).
  std::vector<std::string> order;
  std::map<std::string, std::vector<const CellState*>> groups;
  for (const CellState& c : cells) {
    const std::string g = c.plan.value("shards", 0) > 0 ? c.plan["group"].get<std::string>() : c.plan["id"].get<std::string>();
    if (!groups.count(g)) order.push_back(g);
    groups[g].push_back(&c);
  }
  Json rows = Json::array();
  for (const std::string& g : order) {
    const auto& members = groups[g];
    Json row;
    row["id"] = g;
    row["labels"] = Json::object();
    for (auto it = members.front()->plan["labels"].begin(); it != members.front()->plan["labels"].end(); ++it) {
      row["labels"][it.key()] = it.value();
    }
    // A group of shards is one row: "shards=N" rather than its first shard's label.
    const int shards = members.front()->plan.value("shards", 0);
    if (shards > 0) row["labels"]["shards"] = "shards=" + std::to_string(shards);
    std::string status = "passed";
    std::string message;
    Json cell_ids = Json::array();
    std::vector<Json> reports;
    for (const CellState* c : members) {
      cell_ids.push_back(c->plan["id"]);
      if (severity(c->status) > severity(status)) {
        status = c->status;
        message = c->plan["id"].get<std::string>() + ": " + c->message;
      }
      if (!c->report.is_null()) reports.push_back(c->report);
    }
    row["status"] = status;
    if (!message.empty()) row["message"] = message;
    row["cells"] = cell_ids;
    Json report = reports.size() == members.size() ? merge_reports(reports) : Json(nullptr);
    row["hit_rate"] = report.is_null() ? 0.0 : report_hit_rate(report);
    row["throughput_pps"] = report.is_null() ? 0.0 : report_throughput_pps(report);
    if (members.size() > 1 && !report.is_null()) {
      const std::filesystem::path gdir = dir / "merged" / g;
      merge_shard_outputs(dir, members, gdir);
      write_atomically(gdir / "report.json", report.dump(2) + "\n");
    }
    row["report"] = std::move(report);
    rows.push_back(std::move(row));
  }

  // The axes that vary between rows, with their labels in row order.
  std::vector<std::pair<std::string, std::vector<std::string>>> axes;
  for (const Json& r : rows) {
    for (auto it = r["labels"].begin(); it != r["labels"].end(); ++it) {
      auto a = std::find_if(axes.begin(), axes.end(), [&](const auto& x) { return x.first == it.key(); });
      if (a == axes.end()) a = axes.insert(axes.end(), {it.key(), {}});
      const std::string label = it.value().get<std::string>();
      if (std::find(a->second.begin(), a->second.end(), label) == a->second.end()) a->second.push_back(label);
    }
  }
  std::erase_if(axes, [](const auto& a) { return a.second.size() < 2; });

  Json merged;
  merged["matrix"] = matrix;
  merged["cells"] = s.cells;
  merged["passed"] = s.passed;
  merged["failed"] = s.failed;
  merged["errors"] = s.errors;
  merged["missing"] = s.missing;
  merged["rows"] = rows;
  write_atomically(dir / "merged.json", merged.dump(2) + "\n");

  std::string& t = s.table;
  t += fmt::format("flowsim merge: {}  {} cells: {} passed, {} failed, {} errors, {} missing\n\n", matrix, s.cells,
                   s.passed, s.failed, s.errors, s.missing);
  std::size_t width = 4;
  for (const Json& r : rows) width = std::max(width, r["id"].get<std::string>().size());
  t += fmt::format("{:<{}}  {:<7} {:>10} {:>10} {:>10} {:>9} {:>9} {:>14}\n", "cell", width, "status", "packets in",
                   "hardware", "software", "dropped", "hit rate", "throughput pps");
  for (const Json& r : rows) {
    const Json& rep = r["report"];
    auto n = [&](const char* k) { return rep.is_null() ? std::string("-") : std::to_string(rep.value(k, std::uint64_t{0})); };
    t += fmt::format("{:<{}}  {:<7} {:>10} {:>10} {:>10} {:>9} {:>7.1f} % {:>14.0f}\n", r["id"].get<std::string>(), width,
                     r["status"].get<std::string>(), n("packets_in"), n("forwarded_hw"), n("forwarded_sw"), n("dropped"),
                     100.0 * r["hit_rate"].get<double>(), r["throughput_pps"].get<double>());
  }
  for (const Json& r : rows) {
    if (r.contains("message")) t += "  " + r["id"].get<std::string>() + ": " + r["status"].get<std::string>() + ": " +
                                    r["message"].get<std::string>() + "\n";
  }
  write_atomically(dir / "merged.txt", t);
  write_atomically(dir / "junit.xml", junit(matrix, cells, s));

  if (!gnuplot) {
    s.plot_note = "no plot: gnuplot not found (apt-get install gnuplot-nox)";
  } else {
    draw_plot(dir, matrix, rows, axes, *gnuplot);
    s.plot_note = "plot: " + (dir / "plot.svg").string();
  }
  return s;
}

}  // namespace flowsim::sweep
