# SPDX-License-Identifier: Apache-2.0
"""The kernel differential: a scenario's router built from Linux network namespaces, fed the
same frames as flowsim, its output compared with flowsim's frame by frame (README.md here)."""
