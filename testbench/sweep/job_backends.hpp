// SPDX-License-Identifier: Apache-2.0
// Job descriptions for the engines that run cells elsewhere. flowsim only describes the
// cells (one `flowsim sweep MATRIX --out DIR --cell` per index, the index coming from the
// engine) and merges the results; scheduling, retries and placement are the engine's.
//   Slurm:      a job-array script (one array task per unfinished cell) and a merge script
//               to be submitted with --dependency=afterany on the array.
//   Kubernetes: an Indexed Job (completions = cells; JOB_COMPLETION_INDEX is the cell) and
//               a merge Job to apply once it is complete; both mount one volume claim that
//               holds the matrix, its inputs and the output folder at the same paths.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace flowsim::sweep {

struct JobSpec {
  std::string name;                 // the matrix's name
  std::filesystem::path flowsim;    // the flowsim executable as the job sees it
  std::filesystem::path matrix;     // absolute
  std::filesystem::path out;        // absolute
  std::size_t cells = 0;
  std::vector<std::size_t> todo;    // indices of the cells to run
  unsigned parallelism = 0;         // at most this many cells at once; 0 = the engine decides
};

// "0-3,7,9-11": Slurm's --array syntax for a sorted list of indices.
std::string array_ranges(const std::vector<std::size_t>& indices);

std::string slurm_array_script(const JobSpec& job, const std::vector<std::string>& sbatch_options);
std::string slurm_merge_script(const JobSpec& job);

struct KubernetesOptions {
  std::string image = "flowsim:latest";
  std::string claim = "flowsim-work";  // a PersistentVolumeClaim every pod can mount
  std::filesystem::path mount;         // where it is mounted; matrix and out lie below it
  std::string cpu = "1";
  std::string memory = "2Gi";
};

// The Indexed Job's name (the merge Job's is this plus "-merge").
std::string kubernetes_job_name(const std::string& matrix_name);
std::string kubernetes_indexed_job(const JobSpec& job, const KubernetesOptions& options);
std::string kubernetes_merge_job(const JobSpec& job, const KubernetesOptions& options);

// The deepest folder holding both paths (the default volume mount).
std::filesystem::path common_folder(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace flowsim::sweep
