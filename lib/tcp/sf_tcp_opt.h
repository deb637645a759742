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

#include <rte_common.h>

#include "sf_tcp.h"

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
/* Longest option block of any segment (RFC 9293 3.1: data offset 15). */
#define SF_TCP_OPT_MAX 40

/* Options seen in a segment (to_ prefix as FreeBSD's struct tcpopt). */
struct sf_tcp_opts {
	uint8_t to_flags;    /* SF_TOF_* present */
	uint8_t to_wscale;   /* shift, clamped to SF_TCP_MAX_WSCALE */
	uint16_t to_mss;     /* host order */
	uint32_t to_tsval;   /* host order */
	uint32_t to_tsecr;   /* host order */
};

/*
 * One vocabulary of option flags. SF_TOF_* say which options a segment
 * carries; what a handshake negotiated is in the public SF_CONN_F_*
 * flags (sf_tcp.h), and each option flag has its negotiated flag's value,
 * so the options of a SYN and what was agreed meet with a mask. MSS is
 * an option only: a negotiation always has one (struct sf_tcp_neg).
 */
#define SF_TOF_WSCALE    SF_CONN_F_WSCALE
#define SF_TOF_SACKPERM  SF_CONN_F_SACK
#define SF_TOF_TS        SF_CONN_F_TS
#define SF_TOF_MSS       0x80
/* The negotiated flags a handshake decides (not SF_CONN_F_FIN). */
#define SF_NEG_FLAGS (SF_CONN_F_WSCALE | SF_CONN_F_SACK | SF_CONN_F_TS | \
		SF_CONN_F_ECN)

/*
 * What a handshake negotiated, the one struct of it: a request holds
 * one (from the SYN), a SYN cookie encodes one (sf_cookie.h), and a
 * connection copies its request's and keeps it; sf_conn_info shows it.
 */
struct sf_tcp_neg {
	/*
	 * The largest segment we may send: the peer's MSS option (536 or
	 * 1220 when it sent none; from a cookie, its table value), on a
	 * connection also capped by our own.
	 */
	uint16_t ng_mss;
	uint8_t ng_snd_wscale;   /* the peer's shift (SF_CONN_F_WSCALE) */
	uint8_t ng_rcv_wscale;   /* ours (SF_CONN_F_WSCALE) */
	uint8_t ng_flags;        /* SF_CONN_F_* */
} __rte_packed;

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

/*
 * The SACK option (RFC 2018 3) of an option block, walked as
 * sf_tcp_opts_walk() walks it: *blk points at its first block (left
 * and right edge, network order). Only the send side asks, and only of
 * an ACK whose options are more than timestamps, so that no other
 * segment pays for it.
 *
 * @return
 *   The number of blocks (1..4), or 0 when the block has none.
 */
unsigned int sf_tcp_opts_sack(const uint8_t *opt, uint16_t len,
		const uint8_t **blk);

#endif /* SF_TCP_OPT_H */
