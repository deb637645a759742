/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_COOKIE_H
#define SF_COOKIE_H

/*
 * SYN cookies: a SYN-ACK whose initial sequence number (and, when the
 * client sent timestamps, TSval) carries everything the request would
 * have held, authenticated, so no state is kept until the third ACK
 * proves the client can receive at its address. Private header.
 *
 * The MAC. An AES-128 CBC-MAC under a per-period key K(t), over the
 * 4-tuple, the client's ISN and the fields word (every option bit,
 * whichever layout carries it, with the layout flag), all in network
 * byte order:
 *
 *   M = tag | 0 | lport | laddr | Z | raddr | irs | rport | 0 0 | fields
 *   H = the first 8 bytes (little-endian) of AES-CBC-MAC(K(t), M)
 *
 * (tag 4 or 6, Z 8 zero bytes for IPv4 and none for IPv6: 32 or 48
 * bytes, two or three blocks; addresses 4 or 16 bytes, ports 2, irs and
 * fields 4; our end first, so that an IPv4 listener's cookies share the
 * first block, whose step the period key keeps (pk_x1); fields = T |
 * MSS << 1 | WS << 4 | SACK << 8 | ECN << 9, bit 31 set in the timestamp
 * layout). The MAC is H's high 32 bits with the bits the ISN's fields
 * occupy masked off (not shifted); H's low 32 bits are the flow's TSval
 * offset (our TSval = our ms clock + offset, the options in its low 6
 * bits), so one MAC makes the whole SYN-ACK (one AES block for IPv4,
 * three for IPv6). t is the number of the
 * SF_COOKIE_PERIOD_MS period of the wall clock (UTC ms since the epoch),
 * K(t) = SipHash(master, "sfcookie" | t | 0 0 0 0) as key bytes 0-7 and
 * SipHash(master, "sfcookie" | t | 0 0 0 1) as bytes 8-15 (each output
 * little-endian; t as 4 bytes, network order):
 * each period has its own secret, derived from a 128-bit master secret
 * (random per start, or configured so that several nodes share it). Two
 * period secrets are live at once, t and t - 1 (t + 1 too within
 * SF_COOKIE_SKEW_MS of the next period, for nodes whose clocks run a
 * little ahead); older ones are forgotten. A cookie therefore validates
 * for 60 to 120 s after it was sent, as Linux's do (MAX_SYNCOOKIE_AGE).
 *
 * Security. A blind attacker (one who cannot read our SYN-ACKs) who wants
 * a connection from an address it does not own must guess the MAC:
 *   - timestamp layout: 28 bits, one guess in 2^28 (3.7e-9) succeeds;
 *   - ISN layout: 22 bits, one in 2^22 (2.4e-7).
 *   In either layout each key a check tries is one more chance: in the
 *   last SF_COOKIE_SKEW_MS of a period two period keys share the T bit,
 *   and for a period after a rotation the previous master's keys are
 *   tried too, so the chance doubles in those windows (and again where
 *   they overlap).
 * The fields in the low bits are in clear (MSS index, window scale, SACK,
 * ECN: what the client sent anyway) but covered by the MAC, so changing
 * them is a guess like any other, in the ISN or in the TSecr. The TSecr's
 * clock bits are not MAC input (nor are they in Linux's cookies): a
 * client that changes them only moves its own connection's TSval offset,
 * which continues from its TSecr. The attacker cannot learn K(t)
 * from cookies (AES's CBC-MAC over inputs of one fixed length per tag
 * is a PRF) nor aim at a 4-tuple's cookie in
 * advance (the client ISN is input). FreeBSD keeps a 24-bit MAC (2^-24
 * per guess); Linux about 2^-29 (its minute counter must be one of 2 of
 * 256 values and its MSS index one of 4 in 24 bits), because it keeps
 * only the MSS in the ISN and loses window scale, SACK and ECN without
 * timestamps: the 7 bits the ISN layout gives up are the price of
 * keeping them. Replay: a
 * cookie ACK seen on the wire can be replayed from the same 4-tuple until
 * its period key is forgotten (at most 120 s): it only opens the
 * connection its sender had already opened, and once that connection
 * exists the replay hits it, not the listener.
 *
 * Layouts (bit 0 is the least significant):
 *
 *   ISN, client sent timestamps (options are in our TSval):
 *    31                                                    4 3     1  0
 *   +-------------------------------------------------------+-------+---+
 *   |                      MAC (28 bits)                    |  MSS  | T |
 *   +-------------------------------------------------------+-------+---+
 *
 *   ISN, no timestamps (FreeBSD's idea, with a whole window shift):
 *    31                               10   9    8     5 4     1  0
 *   +-----------------------------------+---+----+-------+-------+---+
 *   |            MAC (22 bits)          |ECN|SACK|  WS   |  MSS  | T |
 *   +-----------------------------------+---+----+-------+-------+---+
 *
 *   TSval, client sent timestamps (Linux's cookie_init_timestamp()):
 *    31                                           6   5    4   3     0
 *   +----------------------------------------------+---+----+-------+
 *   | (our ms clock + H's low half), high bits     |ECN|SACK|  WS   |
 *   +----------------------------------------------+---+----+-------+
 *
 *   T     parity of the period number t
 *   MSS   index in the family's MSS table (sf_cookie_mss_value())
 *   WS    the client's window shift 0..14, 15: no window scale option
 *   SACK  SACK-permitted was offered and granted
 *   ECN   ECN setup was asked for and granted
 *
 * The TSval keeps the clock's high bits and is never ahead of the clock
 * (64 ms is taken off when the option bits would put it ahead), so the
 * connection's later TSvals, which continue from it, only grow.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_spinlock.h>

#include "sf_aes.h"
#include "sf_siphash.h"
#include "sf_tcp_opt.h"

struct sf_flow_key;

/* A period secret's life: cookies validate for one to two periods. */
#define SF_COOKIE_PERIOD_MS 60000u
/* The worker moves its keys at least this often (sf_cookie_keys_update). */
#define SF_COOKIE_TICK_MS 1000u
/* Next period's secret is accepted this close to its start. */
#define SF_COOKIE_SKEW_MS 2000u
/*
 * Linux's TCP_SYNCOOKIE_VALID: an ACK to a listener is checked as a
 * cookie only this long after the lcore last sent one for it (always in
 * mode 2); otherwise it is the plain LISTEN case and draws a RST.
 */
#define SF_COOKIE_RECENT_MS 120000u

/* MSS table entries per family. */
#define SF_COOKIE_MSS_NB 8
/* WS field value meaning "the client sent no window scale option". */
#define SF_COOKIE_WS_NONE 15

/* Bit fields of the two ISN layouts and the TSval. */
#define SF_CK_T_MASK      0x1u
#define SF_CK_MSS_SHIFT   1
#define SF_CK_MSS_MASK    0x7u
#define SF_CK_WS_SHIFT    4                 /* ISN layout */
#define SF_CK_WS_MASK     0xfu
#define SF_CK_SACK        (1u << 8)         /* ISN layout */
#define SF_CK_ECN         (1u << 9)         /* ISN layout */
#define SF_CK_LOW_TS      4                 /* bits below the MAC */
#define SF_CK_LOW_NOTS    10
#define SF_CK_TS_BITS     6                 /* TSval option bits */
#define SF_CK_TS_SACK     (1u << 4)
#define SF_CK_TS_ECN      (1u << 5)
#define SF_CK_OPT_MASK    ((1u << SF_CK_TS_BITS) - 1)  /* WS, SACK, ECN */
#define SF_CK_T_MSS_MASK  (SF_CK_T_MASK | SF_CK_MSS_MASK << SF_CK_MSS_SHIFT)


/*
 * The master secret of an engine. Written by control threads (start-up
 * configuration, the telemetry rotate command) under cs_wlock; read by
 * the workers without a lock: cs_seq is odd while a write is under way,
 * and a reader retries when it changed across its copy.
 */
struct sf_cookie_secret {
	uint64_t cs_seq;                  /* even: stable; bumps by 2 per set */
	struct sf_siphash_key cs_cur;     /* signs new cookies */
	struct sf_siphash_key cs_prev;    /* still validates */
	uint64_t cs_prev_until;           /* wall ms; 0: no previous */
	rte_spinlock_t cs_wlock;          /* writers only */
};

/* One period secret, derived from a master. */
struct sf_cookie_pkey {
	uint32_t pk_t;                    /* period number */
	uint8_t pk_valid;
	/*
	 * The first 8 bytes of the IPv4 first block pk_x1 was made for
	 * (tag 4, so never 0: 0 means no pk_x1)
	 */
	uint64_t pk_b1;
	/* the MAC's first step for pk_b1: AES(K(t), first block) */
	uint8_t pk_x1[SF_AES_BLOCK] __attribute__((aligned(16)));
	struct sf_aes_key pk_aes;         /* K(t), expanded */
};

/*
 * A worker's copy of the secret and its period keys. Owned by one lcore.
 * ck_mask_ts / ck_mask_nots are the MAC bits compared (tests narrow them
 * to measure the forgery rate).
 */
struct sf_cookie_keys {
	const struct sf_cookie_secret *ck_secret;
	uint64_t ck_seq;                  /* cs_seq of the copy */
	struct sf_siphash_key ck_master[2]; /* current, previous */
	uint64_t ck_prev_until;           /* wall ms; 0: no previous */
	uint64_t ck_wall;                 /* wall ms of the last update */
	uint32_t ck_t;                    /* current period number */
	bool ck_skew;                     /* within SKEW of period t + 1 */
	uint32_t ck_mask_ts;
	uint32_t ck_mask_nots;
	/* [master][t & 3]: the period keys of t - 1, t, t + 1 */
	struct sf_cookie_pkey ck_pk[2][4];
};

/* A fresh random master secret, no previous one. */
void sf_cookie_secret_init(struct sf_cookie_secret *cs);

/*
 * Replace the master secret (key NULL: a random one). The old one keeps
 * validating until wall_ms + SF_COOKIE_PERIOD_MS (as seen by a worker's
 * last key update, so up to SF_COOKIE_TICK_MS more), so cookies in
 * flight complete. Safe against concurrent readers; writers serialise.
 */
void sf_cookie_secret_set(struct sf_cookie_secret *cs,
		const struct sf_siphash_key *key, uint64_t wall_ms);

/* Bind a worker's keys to a secret, at wall clock wall_ms. */
void sf_cookie_keys_init(struct sf_cookie_keys *ck,
		const struct sf_cookie_secret *cs, uint64_t wall_ms);

/*
 * Move the keys to the period of wall_ms, pick up a new master secret and
 * end the previous one's grace (the worker calls this at every period
 * boundary, SKEW before it, and at least every SF_COOKIE_TICK_MS).
 * Returns the ms until the next call is due.
 */
uint32_t sf_cookie_keys_update(struct sf_cookie_keys *ck, uint64_t wall_ms);

/*
 * The cookie ISN for a SYN from the flow k with client ISN irs and what
 * the SYN negotiated, ng: ng_mss (the client's MSS, rounded down to the
 * table), the client's window shift, SACK, ECN and timestamps, which
 * pick the layout (ng_rcv_wscale, ours, is not carried: the listener's
 * at the check). With timestamps, *tsval holds our ms clock on entry and
 * the TSval to send on return (the clock plus the cookie's offset, the
 * options in its low bits).
 */
uint32_t sf_cookie_make(struct sf_cookie_keys *ck, const struct sf_flow_key *k,
		uint32_t irs, const struct sf_tcp_neg *ng, uint32_t *tsval);

/*
 * Check a cookie: iss = SEG.ACK - 1, irs = SEG.SEQ - 1, and with ts the
 * segment's TSecr (the TSval we sent). On success fills out with what
 * the cookie carried (ng_mss: the table value; ng_rcv_wscale 0).
 *
 * @return
 *   0, or -EBADMSG when the MAC matches under no live period key (a
 *   forgery, a changed segment, or a cookie past its life: its period
 *   key is forgotten).
 */
int sf_cookie_check(struct sf_cookie_keys *ck, const struct sf_flow_key *k,
		uint32_t irs, uint32_t iss, bool ts, uint32_t tsecr,
		struct sf_tcp_neg *out);

/* The MSS of table entry idx for family (AF_INET or AF_INET6). */
uint16_t sf_cookie_mss_value(uint8_t family, unsigned int idx);

/* The largest table entry not above mss (entry 0 when all are). */
unsigned int sf_cookie_mss_index(uint8_t family, uint16_t mss);

/* Parse 32 hex digits into a key; 0 or -EINVAL. */
int sf_cookie_secret_parse(const char *hex, struct sf_siphash_key *key);

#endif /* SF_COOKIE_H */
