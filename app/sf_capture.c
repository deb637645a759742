/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Packet capture with DPDK's own tools. dpdk-dumpcap runs as a secondary
 * process of synfront: it maps synfront's shared memory, creates a ring
 * and an mbuf pool there, and asks over EAL's multi-process channel for
 * the frames of a port. rte_pdump (initialised here) answers by adding rx
 * and tx callbacks to the port's queues; the workers then copy every
 * frame they receive or send into dumpcap's pool and ring, inside
 * rte_eth_rx_burst() and rte_eth_tx_burst(). Frames dumpcap cannot take
 * (its pool empty, its ring full) are counted by rte_pdump and reported
 * by dumpcap as dropped; synfront's own path does not change.
 *
 * A secondary needs the primary's memory in shared files: with
 * --no-huge, EAL's memory is anonymous and a secondary stops at "Cannot
 * get hugepage information". So capture needs synfront on hugepages
 * (scripts/run.sh --huge, `make run-huge`), and nothing is set up
 * without them.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_pdump.h>

#include "sf_capture.h"

RTE_LOG_REGISTER(sf_logtype_capture, synfront.capture, INFO);

#define SF_CAPTURE_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, sf_logtype_capture, \
		"synfront: " fmt "\n", ## __VA_ARGS__)

static bool sf_capture_on;

int
sf_capture_init(void)
{
	const char *prefix;

	if (!rte_eal_has_hugepages()) {
		/* INFO: the usual way to run it, nothing is wrong. */
		SF_CAPTURE_LOG(INFO, "packet capture (dpdk-dumpcap) off: it "
			"attaches as a secondary process, which needs "
			"hugepages (make run-huge, or EAL options without "
			"--no-huge)");
		return -ENOTSUP;
	}
	if (rte_pdump_init() != 0) {
		SF_CAPTURE_LOG(WARNING, "packet capture (dpdk-dumpcap) off: "
			"rte_pdump_init: %s", rte_strerror(rte_errno));
		return -rte_errno;
	}
	sf_capture_on = true;
	/* The runtime directory is /var/run/dpdk/PREFIX. */
	prefix = strrchr(rte_eal_get_runtime_dir(), '/');
	SF_CAPTURE_LOG(INFO, "packet capture on: dpdk-dumpcap "
		"--file-prefix=%s -i PORT -w FILE.pcapng",
		prefix != NULL ? prefix + 1 : rte_eal_get_runtime_dir());
	return 0;
}

void
sf_capture_report(uint16_t port_id)
{
	struct rte_pdump_stats st;

	if (!sf_capture_on || rte_pdump_stats(port_id, &st) != 0)
		return;
	if (st.accepted == 0 && st.nombuf == 0 && st.ringfull == 0)
		return;
	SF_CAPTURE_LOG(INFO, "capture: port %u: %" PRIu64 " frames copied "
		"for dpdk-dumpcap, %" PRIu64 " lost to its empty pool, %" PRIu64
		" to its full ring", port_id, st.accepted, st.nombuf,
		st.ringfull);
}

void
sf_capture_fini(void)
{
	if (sf_capture_on)
		rte_pdump_uninit();
	sf_capture_on = false;
}
