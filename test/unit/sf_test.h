/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_TEST_H
#define SF_TEST_H

/*
 * Minimal unit-test support: EAL without hugepages, PCI, shared files or
 * telemetry; one mbuf pool; an engine with port 0 (no ethdev behind it:
 * the tests call the per-frame entry points and read the verdict); and
 * checks that print both values when they differ. Each test binary is a
 * main() that runs its cases and returns the failure count.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "sf_engine_pvt.h"

extern int sf_test_failures;

#define SF_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, \
			#cond); \
		sf_test_failures++; \
	} \
} while (0)

#define SF_CHECK_EQ(a, b) do { \
	uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b); \
	if (_a != _b) { \
		fprintf(stderr, "FAIL %s:%d: %s == %s: got %" PRIu64 \
			" (0x%" PRIx64 "), expected %" PRIu64 " (0x%" PRIx64 \
			")\n", __FILE__, __LINE__, #a, #b, _a, _a, _b, _b); \
		sf_test_failures++; \
	} \
} while (0)

#define SF_CHECK_MEM(a, b, n) do { \
	if (memcmp((a), (b), (n)) != 0) { \
		fprintf(stderr, "FAIL %s:%d: %s == %s (%zu bytes)\n", \
			__FILE__, __LINE__, #a, #b, (size_t)(n)); \
		sf_test_failures++; \
	} \
} while (0)

/* Port 0's identity in every test engine. */
#define SF_TEST_PORT 0
extern const struct rte_ether_addr sf_test_mac;   /* 02:00:00:00:00:01 */
extern const struct rte_ether_addr sf_test_peer;  /* 02:00:00:00:00:02 */
/* Addresses of port 0: 10.10.0.1/24 and fd00:10:10::1/64. */
extern const uint8_t sf_test_v4[4];
extern const uint8_t sf_test_v6[16];

extern struct rte_mempool *sf_test_pool;

/* EAL + pool; exits the process with a message when that fails. */
void sf_test_init(int argc, char **argv);

/*
 * An engine with one worker and port 0 (MAC sf_test_mac, addresses
 * above). tx_ip4_cksum selects the offload path for IPv4 replies.
 */
struct sf_engine *sf_test_engine(bool tx_ip4_cksum);

/* A one-segment mbuf holding a copy of len bytes. */
struct rte_mbuf *sf_test_mbuf(const void *data, uint16_t len);

/* Value of one counter of worker 0. */
uint64_t sf_test_counter(struct sf_engine *eng, enum sf_counter c);

/*
 * Run one frame through sf_input_one() on worker 0; returns the verdict.
 * The mbuf is left to the caller (a reply to inspect, or to free).
 */
enum sf_verdict sf_test_input(struct sf_engine *eng, struct rte_mbuf *m);

/* Print the result line and tear EAL down; returns main()'s exit code. */
int sf_test_done(const char *name);

#endif /* SF_TEST_H */
