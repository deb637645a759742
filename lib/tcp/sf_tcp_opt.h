/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_TCP_OPT_H
#define SF_TCP_OPT_H

/*
 * TCP options: parsing what a segment offers, building what a SYN-ACK
 * answers. Private header.
 */

#include <stdbool.h>
#include <stdint.h>

#define SF_TCPOPT_EOL       0
#define SF_TCPOPT_NOP       1
#define SF_TCPOPT_MSS       2   /* RFC 9293 3.2, length 4 */
#define SF_TCPOPT_WSCALE    3   /* RFC 7323 2.2, length 3 */
#define SF_TCPOPT_SACK_PERM 4   /* RFC 2018 2, length 2 */
#define SF_TCPOPT_SACK      5
#define SF_TCPOPT_TS        8   /* RFC 7323 3.2, length 10 */

/* RFC 7323 2.3: a shift above 14 is used as 14. */
#define SF_TCP_MAX_WSCALE 14

/* Longest option block a SYN-ACK of ours carries (Linux layout, aligned). */
#define SF_TCP_SYNACK_OPT_MAX 20

/* Options seen in a segment (to_ prefix as FreeBSD's struct tcpopt). */
struct sf_tcp_opts {
	uint8_t to_flags;    /* SF_TOF_* present */
	uint8_t to_wscale;   /* shift, clamped to SF_TCP_MAX_WSCALE */
	uint16_t to_mss;     /* host order */
	uint32_t to_tsval;   /* host order */
	uint32_t to_tsecr;   /* host order */
};

#define SF_TOF_MSS       0x01
#define SF_TOF_WSCALE    0x02
#define SF_TOF_SACKPERM  0x04
#define SF_TOF_TS        0x08

/*
 * Parse an option block as Linux's tcp_parse_options() does: EOL ends the
 * list, NOP is skipped, unknown kinds are skipped by their length, and an
 * option whose length is below 2 or runs past the block ends parsing
 * (what was parsed before it stands). MSS, window scale and
 * SACK-permitted count only on a SYN and only with their exact lengths;
 * timestamps count on any segment with length 10.
 *
 * @return
 *   true when the block was walked to its end or an EOL, false when a
 *   malformed length stopped it (the caller counts that; the options
 *   parsed so far are in out either way).
 */
bool sf_tcp_opts_parse(const uint8_t *opt, uint16_t len, bool syn,
		struct sf_tcp_opts *out);

/*
 * The option walk alone. sf_tcp_opts_parse() matches Linux's SYN and
 * post-handshake layouts whole and walks anything else; the result is
 * the same (exposed so the test can hold one against the other).
 */
bool sf_tcp_opts_walk(const uint8_t *opt, uint16_t len, bool syn,
		struct sf_tcp_opts *out);

/*
 * Write the options of a SYN-ACK in Linux's order and padding:
 *   <mss, sackOK, TS, nop, wscale>            all offered
 *   <mss, nop, nop, TS, nop, wscale>          no SACK
 *   <mss, nop, nop, sackOK, nop, wscale>      no TS
 * Only options whose SF_TOF_ flag is set in o are written. buf must hold
 * SF_TCP_SYNACK_OPT_MAX bytes.
 *
 * @return
 *   Bytes written, a multiple of 4.
 */
uint16_t sf_tcp_opts_build_synack(uint8_t *buf, const struct sf_tcp_opts *o);

#endif /* SF_TCP_OPT_H */
