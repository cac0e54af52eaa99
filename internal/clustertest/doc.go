// Package clustertest holds the scale-out test (make test-cluster): a real
// 3-node NATS JetStream cluster and presswatch's roles as separate
// processes, started all at once, losing a process of each stateful role
// and a NATS node to SIGKILL mid-stream. It has no code of its own; see
// cluster_test.go. It runs only with PRESSWATCH_CLUSTER_TEST=1, since it
// builds two binaries and runs fourteen processes for several minutes.
package clustertest
