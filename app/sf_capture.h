/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_CAPTURE_H
#define SF_CAPTURE_H

#include <stdint.h>

/*
 * Packet capture by DPDK's own tools (dpdk-dumpcap, dpdk-pdump), which
 * attach to synfront as secondary processes. Call sf_capture_init() on
 * the main lcore after EAL init, before the ports start; it logs whether
 * capture is possible and how. Returns 0, or a negative errno when
 * capture is not available (synfront runs on without it).
 */
int sf_capture_init(void);

/*
 * At shutdown, before the ports close: what rte_pdump copied for
 * dpdk-dumpcap from port_id, and what it could not (dumpcap's pool empty,
 * its ring full), logged when there was any capture.
 */
void sf_capture_report(uint16_t port_id);

/* Undo sf_capture_init(); call it before rte_eal_cleanup(). */
void sf_capture_fini(void);

#endif /* SF_CAPTURE_H */
