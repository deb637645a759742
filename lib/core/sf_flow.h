/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_FLOW_H
#define SF_FLOW_H

/*
 * The core layer's vocabulary of flows: the 4-tuple as every table keys
 * it, and sequence-number arithmetic. Private header; lib/core/ only
 * includes lib/core/ and the public headers.
 */

#include <stdint.h>

/* Sequence-number arithmetic (RFC 9293 3.4), modulo 2^32. */
#define SF_SEQ_LT(a, b)  ((int32_t)((a) - (b)) < 0)
#define SF_SEQ_LEQ(a, b) ((int32_t)((a) - (b)) <= 0)
#define SF_SEQ_GT(a, b)  ((int32_t)((a) - (b)) > 0)
#define SF_SEQ_GEQ(a, b) ((int32_t)((a) - (b)) >= 0)

/*
 * A flow as the tables key it: the peer's and our address and port, in
 * network order, IPv4 in the first word with the rest zero. 48 bytes so
 * rte_hash compares it with its vector 48-byte compare.
 */
struct sf_flow_key {
	uint32_t fk_raddr[4];    /* remote (the client) */
	uint32_t fk_laddr[4];    /* local (ours) */
	uint16_t fk_rport;
	uint16_t fk_lport;
	uint8_t fk_family;       /* AF_INET or AF_INET6 */
	uint8_t fk_pad[11];      /* zero */
};

#endif /* SF_FLOW_H */
