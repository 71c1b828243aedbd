// SPDX-License-Identifier: Apache-2.0
// The job descriptions for Slurm and Kubernetes, checked for shape: the manifest is parsed
// back and its fields read as Kubernetes would.
#include "testbench/sweep/job_backends.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace flowsim::sweep {
namespace {

JobSpec job() {
  JobSpec j;
  j.name = "home_router_matrix";
  j.flowsim = "/opt/flowsim/bin/flowsim";
  j.matrix = "/data/sweeps/m.yaml";
  j.out = "/data/out/run 1";
  j.cells = 12;
  j.todo = {0, 1, 2, 3, 5, 7, 8, 9, 11};
  j.parallelism = 4;
  return j;
}

TEST(JobBackendsTest, ArrayRangesCompressRuns) {
  EXPECT_EQ(array_ranges({0, 1, 2, 3, 5, 7, 8, 9, 11}), "0-3,5,7-9,11");
  EXPECT_EQ(array_ranges({4}), "4");
  EXPECT_EQ(array_ranges({}), "");
}

TEST(JobBackendsTest, SlurmArrayRunsOneCellPerTask) {
  const std::string s = slurm_array_script(job(), {"--partition=main"});
  EXPECT_EQ(s.rfind("#!/bin/sh\n", 0), 0u);
  EXPECT_NE(s.find("\n#SBATCH --array=0-3,5,7-9,11%4\n"), std::string::npos) << s;
  EXPECT_NE(s.find("\n#SBATCH --output=/data/out/run 1/slurm/cell-%a.log\n"), std::string::npos) << s;
  EXPECT_NE(s.find("\n#SBATCH --partition=main\n"), std::string::npos) << s;
  EXPECT_NE(s.find("\nexec '/opt/flowsim/bin/flowsim' sweep '/data/sweeps/m.yaml' --out '/data/out/run 1' --cell\n"),
            std::string::npos)
      << s;
  const std::string m = slurm_merge_script(job());
  EXPECT_NE(m.find("\nexec '/opt/flowsim/bin/flowsim' merge '/data/out/run 1'\n"), std::string::npos) << m;
}

TEST(JobBackendsTest, KubernetesIndexedJobHasOneCompletionPerCell) {
  KubernetesOptions o;
  o.image = "registry.example/flowsim:1";
  o.claim = "sweeps";
  o.mount = "/data";
  const YAML::Node doc = YAML::Load(kubernetes_indexed_job(job(), o));
  EXPECT_EQ(doc["apiVersion"].as<std::string>(), "batch/v1");
  EXPECT_EQ(doc["kind"].as<std::string>(), "Job");
  EXPECT_EQ(doc["metadata"]["name"].as<std::string>(), "flowsim-home-router-matrix");
  const YAML::Node spec = doc["spec"];
  EXPECT_EQ(spec["completionMode"].as<std::string>(), "Indexed");
  EXPECT_EQ(spec["completions"].as<int>(), 12);  // every cell: finished ones return at once
  EXPECT_EQ(spec["parallelism"].as<int>(), 4);
  EXPECT_GE(spec["backoffLimit"].as<int>(), 1);
  const YAML::Node pod = spec["template"]["spec"];
  EXPECT_EQ(pod["restartPolicy"].as<std::string>(), "Never");
  ASSERT_EQ(pod["containers"].size(), 1u);
  const YAML::Node c = pod["containers"][0];
  EXPECT_EQ(c["image"].as<std::string>(), "registry.example/flowsim:1");
  EXPECT_EQ(c["command"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"flowsim", "sweep", "/data/sweeps/m.yaml", "--out", "/data/out/run 1", "--cell"}));
  EXPECT_EQ(c["volumeMounts"][0]["mountPath"].as<std::string>(), "/data");
  EXPECT_EQ(c["volumeMounts"][0]["name"].as<std::string>(), "work");
  EXPECT_EQ(pod["volumes"][0]["name"].as<std::string>(), "work");
  EXPECT_EQ(pod["volumes"][0]["persistentVolumeClaim"]["claimName"].as<std::string>(), "sweeps");
  EXPECT_EQ(c["resources"]["requests"]["cpu"].as<std::string>(), "1");

  const YAML::Node merge = YAML::Load(kubernetes_merge_job(job(), o));
  EXPECT_EQ(merge["metadata"]["name"].as<std::string>(), "flowsim-home-router-matrix-merge");
  EXPECT_FALSE(merge["spec"]["completionMode"]);
  EXPECT_EQ(merge["spec"]["template"]["spec"]["containers"][0]["command"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"flowsim", "merge", "/data/out/run 1"}));
}

TEST(JobBackendsTest, CommonFolderIsTheDeepestSharedParent) {
  EXPECT_EQ(common_folder("/data/sweeps", "/data/out/x"), std::filesystem::path("/data"));
  EXPECT_EQ(common_folder("/a/b", "/a/b/c"), std::filesystem::path("/a/b"));
  EXPECT_EQ(common_folder("/x", "/y"), std::filesystem::path("/"));
}

}  // namespace
}  // namespace flowsim::sweep
