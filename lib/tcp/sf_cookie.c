/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * SYN cookies: the MAC, the two layouts, the period keys and the master
 * secret (see sf_cookie.h for the layouts and the security argument).
 * Nothing here knows about workers or listeners: sf_syncache.c decides
 * when a cookie is sent or checked.
 */

#include <assert.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_pause.h>

#include "sf_cookie.h"
#include "sf_tcp_pvt.h"

/*
 * MSS tables, ascending. A SYN's MSS is rounded down to an entry, so the
 * entries sit just at or below the values clients send most:
 *
 * IPv4: 1460 (Ethernet), 1452 (PPPoE, 1492 - 40), 1440 (PPPoE and VPN
 * clamps), 1400 and 1360 (IPsec, GRE and mobile-carrier clamps), 1300
 * (clamps below common tunnel overheads), 1220 (the IPv6 minimum reused
 * by dual-stack clamps) and 536 (RFC 9293's default, also the floor).
 * Linux has 536, 1300, 1440, 1460; FreeBSD 216, 536, 1200, 1360, 1400,
 * 1440, 1452, 1460.
 *
 * IPv6: 1440 (Ethernet, 1500 - 60), 1432 (PPPoE), 1420 (6in4 and 6rd
 * tunnels, 1480 - 60), 1400, 1380 (tunnel and VPN clamps), 1340 and 1280
 * (mobile and nested tunnels), 1220 (the minimum MTU's, RFC 8200).
 * Linux has 1220, 1420, 1440, 8940.
 *
 * A jumbo-frame client gets the largest entry: our own MSS is capped by
 * the port's MTU anyway, and the cookie only matters under a flood.
 */
static const uint16_t sf_cookie_mss_v4[SF_COOKIE_MSS_NB] = {
	536, 1220, 1300, 1360, 1400, 1440, 1452, 1460,
};
static const uint16_t sf_cookie_mss_v6[SF_COOKIE_MSS_NB] = {
	1220, 1280, 1340, 1380, 1400, 1420, 1432, 1440,
};

uint16_t
sf_cookie_mss_value(uint8_t family, unsigned int idx)
{
	const uint16_t *tab = family == AF_INET6 ? sf_cookie_mss_v6 :
		sf_cookie_mss_v4;

	return tab[idx & SF_CK_MSS_MASK];
}

unsigned int
sf_cookie_mss_index(uint8_t family, uint16_t mss)
{
	const uint16_t *tab = family == AF_INET6 ? sf_cookie_mss_v6 :
		sf_cookie_mss_v4;
	unsigned int i;

	for (i = SF_COOKIE_MSS_NB - 1; i > 0; i--)
		if (mss >= tab[i])
			break;
	return i;
}

/* The layout flag: the high bit of the fields word the MAC covers. */
#define SF_CK_LAYOUT_TS (1u << 31)

static inline uint32_t
sf_cookie_lowmask(bool ts)
{
	return (1u << (ts ? SF_CK_LOW_TS : SF_CK_LOW_NOTS)) - 1;
}

/*
 * The MAC input, defined in network byte order (so that it names the
 * same bytes on any host; this code builds it for a little-endian one,
 * below): a tag (4 or 6), a zero byte, our port, our
 * address (4 or 16 bytes), 8 zero bytes for IPv4, the peer's address,
 * the client ISN, the peer's port, two zero bytes and the fields word
 * (every option bit, whichever layout carries it, and the layout flag):
 * 32 bytes for IPv4, 48 for IPv6, whole AES blocks. Each tag has one
 * length and no message is a prefix of another, which CBC-MAC needs to
 * be a PRF. Our end comes first so that an IPv4 listener's cookies share
 * the first block: the period key keeps the MAC's step for it (pk_x1),
 * and an IPv4 cookie pays for one block (IPv6: three). The first 8 bytes of the output are
 * the cookie's whole secret: the high half of that word the MAC, the
 * low half the flow's TSval offset. The words below are the message's
 * bytes as this host loads them.
 */
static_assert(RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN,
	"sf_cookie_mac() builds its blocks for a little-endian host");

static const uint8_t sf_cookie_zero[SF_AES_BLOCK];

/* The first step of an IPv4 listener's MAC, kept in the period key. */
static __rte_noinline void
sf_cookie_mac_b1(struct sf_cookie_pkey *pk, uint64_t b1)
{
	uint8_t m[SF_AES_BLOCK] = { 0 };

	memcpy(m, &b1, 8);
	sf_aes128_step(&pk->pk_aes, sf_cookie_zero, m, pk->pk_x1);
	pk->pk_b1 = b1;
}

static __rte_noinline uint64_t
sf_cookie_mac6(struct sf_cookie_pkey *pk, const struct sf_flow_key *k,
		uint32_t irs_be, uint32_t fields_be)
{
	uint8_t m[3 * SF_AES_BLOCK], x[SF_AES_BLOCK];
	uint64_t h;

	m[0] = 6;
	m[1] = 0;
	memcpy(m + 2, &k->fk_lport, 2);
	memcpy(m + 4, k->fk_laddr, 16);
	memcpy(m + 20, k->fk_raddr, 16);
	memcpy(m + 36, &irs_be, 4);
	memcpy(m + 40, &k->fk_rport, 2);
	m[42] = 0;
	m[43] = 0;
	memcpy(m + 44, &fields_be, 4);
	sf_aes128_step(&pk->pk_aes, sf_cookie_zero, m, x);
	sf_aes128_step(&pk->pk_aes, x, m + SF_AES_BLOCK, x);
	sf_aes128_step(&pk->pk_aes, x, m + 2 * SF_AES_BLOCK, x);
	memcpy(&h, x, 8);
	return h;
}

static __rte_always_inline uint64_t
sf_cookie_mac(struct sf_cookie_pkey *pk, const struct sf_flow_key *k,
		uint32_t irs, uint32_t fields)
{
	uint64_t b1;

	irs = rte_cpu_to_be_32(irs);
	fields = rte_cpu_to_be_32(fields);
	if (unlikely(k->fk_family != AF_INET))
		return sf_cookie_mac6(pk, k, irs, fields);
	/*
	 * The message's words as a little-endian host loads them (the
	 * addresses and ports are in network order already): tag 4, 0,
	 * lport, laddr | 8 zero bytes || raddr, irs | rport, 0 0, fields.
	 * The first block is the listener's: its step is kept.
	 */
	b1 = (uint64_t)k->fk_laddr[0] << 32 | (uint64_t)k->fk_lport << 16 | 4;
	if (unlikely(pk->pk_b1 != b1))
		sf_cookie_mac_b1(pk, b1);
	return sf_aes128_step64(&pk->pk_aes, pk->pk_x1,
		(uint64_t)irs << 32 | k->fk_raddr[0],
		(uint64_t)fields << 32 | k->fk_rport);
}

/*
 * K(t): the period secret, two SipHash outputs under the master, as the
 * AES key's 16 bytes (each output little-endian), expanded.
 */
static void
sf_cookie_derive(const struct sf_siphash_key *master, uint32_t t,
		struct sf_aes_key *out)
{
	uint8_t in[16] = { 's', 'f', 'c', 'o', 'o', 'k', 'i', 'e' };
	uint32_t be = rte_cpu_to_be_32(t);
	uint64_t k[2];
	uint8_t key[SF_AES_BLOCK];

	memcpy(&in[8], &be, 4);
	k[0] = rte_cpu_to_le_64(sf_siphash(master, in, sizeof(in)));
	in[15] = 1;
	k[1] = rte_cpu_to_le_64(sf_siphash(master, in, sizeof(in)));
	memcpy(key, k, sizeof(key));
	sf_aes128_expand(key, out);
}

/*
 * Pick up a master secret that changed since the last copy: the
 * sequence-lock read side (retry while a writer is in the middle, or
 * when the sequence moved during the copy).
 */
static __rte_noinline void
sf_cookie_sync_copy(struct sf_cookie_keys *ck)
{
	const struct sf_cookie_secret *cs = ck->ck_secret;
	uint64_t s;

	for (;;) {
		s = __atomic_load_n(&cs->cs_seq, __ATOMIC_ACQUIRE);
		if (s & 1) {
			rte_pause();
			continue;
		}
		ck->ck_master[0] = cs->cs_cur;
		ck->ck_master[1] = cs->cs_prev;
		ck->ck_prev_until = cs->cs_prev_until;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&cs->cs_seq, __ATOMIC_RELAXED) == s)
			break;
	}
	ck->ck_seq = s;
	/* Period keys of the old master are gone with it. */
	memset(ck->ck_pk, 0, sizeof(ck->ck_pk));
}

static __rte_always_inline void
sf_cookie_sync(struct sf_cookie_keys *ck)
{
	if (unlikely(__atomic_load_n(&ck->ck_secret->cs_seq,
			__ATOMIC_ACQUIRE) != ck->ck_seq))
		sf_cookie_sync_copy(ck);
}

/* Derive the key of period t into pk (a new period, or a new master). */
static __rte_noinline void
sf_cookie_pkey_set(struct sf_cookie_keys *ck, struct sf_cookie_pkey *pk,
		unsigned int m, uint32_t t)
{
	sf_cookie_derive(&ck->ck_master[m], t, &pk->pk_aes);
	pk->pk_b1 = 0;
	pk->pk_t = t;
	pk->pk_valid = 1;
}

/* The key of period t under master m (0 current, 1 previous). */
static __rte_always_inline struct sf_cookie_pkey *
sf_cookie_pkey(struct sf_cookie_keys *ck, unsigned int m, uint32_t t)
{
	struct sf_cookie_pkey *pk = &ck->ck_pk[m][t & 3];

	if (unlikely(!pk->pk_valid || pk->pk_t != t))
		sf_cookie_pkey_set(ck, pk, m, t);
	return pk;
}

void
sf_cookie_secret_init(struct sf_cookie_secret *cs)
{
	memset(cs, 0, sizeof(*cs));
	rte_spinlock_init(&cs->cs_wlock);
	sf_siphash_key_random(&cs->cs_cur);
	cs->cs_seq = 2;
}

void
sf_cookie_secret_set(struct sf_cookie_secret *cs,
		const struct sf_siphash_key *key, uint64_t wall_ms)
{
	struct sf_siphash_key k;

	if (key != NULL)
		k = *key;
	else
		sf_siphash_key_random(&k);
	rte_spinlock_lock(&cs->cs_wlock);
	__atomic_store_n(&cs->cs_seq, cs->cs_seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	cs->cs_prev = cs->cs_cur;
	cs->cs_prev_until = wall_ms + SF_COOKIE_PERIOD_MS;
	cs->cs_cur = k;
	__atomic_store_n(&cs->cs_seq, cs->cs_seq + 1, __ATOMIC_RELEASE);
	rte_spinlock_unlock(&cs->cs_wlock);
}

void
sf_cookie_keys_init(struct sf_cookie_keys *ck,
		const struct sf_cookie_secret *cs, uint64_t wall_ms)
{
	memset(ck, 0, sizeof(*ck));
	ck->ck_secret = cs;
	ck->ck_seq = UINT64_MAX;   /* odd: never a stable sequence */
	ck->ck_mask_ts = ~sf_cookie_lowmask(true);
	ck->ck_mask_nots = ~sf_cookie_lowmask(false);
	sf_cookie_keys_update(ck, wall_ms);
}

uint32_t
sf_cookie_keys_update(struct sf_cookie_keys *ck, uint64_t wall_ms)
{
	uint32_t rem = (uint32_t)(wall_ms % SF_COOKIE_PERIOD_MS);
	unsigned int m, i;
	uint32_t t;

	sf_cookie_sync(ck);
	t = (uint32_t)(wall_ms / SF_COOKIE_PERIOD_MS);
	ck->ck_wall = wall_ms;
	ck->ck_t = t;
	ck->ck_skew = rem >= SF_COOKIE_PERIOD_MS - SF_COOKIE_SKEW_MS;
	/* Forget the keys of periods no longer live. */
	for (m = 0; m < 2; m++)
		for (i = 0; i < 4; i++) {
			struct sf_cookie_pkey *pk = &ck->ck_pk[m][i];

			if (pk->pk_valid && pk->pk_t != t - 1 &&
			    pk->pk_t != t && pk->pk_t != t + 1)
				memset(pk, 0, sizeof(*pk));
		}
	if (ck->ck_prev_until != 0 && wall_ms >= ck->ck_prev_until) {
		memset(&ck->ck_master[1], 0, sizeof(ck->ck_master[1]));
		memset(ck->ck_pk[1], 0, sizeof(ck->ck_pk[1]));
		ck->ck_prev_until = 0;
	}
	/*
	 * Due at the next period boundary or skew window, and at least
	 * every second, so a new master and the end of the previous one's
	 * grace take effect within a second.
	 */
	return RTE_MIN(ck->ck_skew ? SF_COOKIE_PERIOD_MS - rem :
		SF_COOKIE_PERIOD_MS - SF_COOKIE_SKEW_MS - rem,
		SF_COOKIE_TICK_MS);
}

uint32_t
sf_cookie_make(struct sf_cookie_keys *ck, const struct sf_flow_key *k,
		uint32_t irs, const struct sf_tcp_neg *ng, uint32_t *tsval)
{
	bool with_ts = ng->ng_flags & SF_CONN_F_TS;
	uint32_t fields, opt;
	uint64_t h;

	sf_cookie_sync(ck);
	opt = (ng->ng_flags & SF_CONN_F_WSCALE) ?
		(ng->ng_snd_wscale & SF_CK_WS_MASK) : SF_COOKIE_WS_NONE;
	opt |= (ng->ng_flags & SF_CONN_F_SACK ? SF_CK_TS_SACK : 0) |
		(ng->ng_flags & SF_CONN_F_ECN ? SF_CK_TS_ECN : 0);
	fields = (ck->ck_t & SF_CK_T_MASK) |
		sf_cookie_mss_index(k->fk_family, ng->ng_mss) << SF_CK_MSS_SHIFT |
		opt << SF_CK_WS_SHIFT;
	h = sf_cookie_mac(sf_cookie_pkey(ck, 0, ck->ck_t), k, irs,
		fields | (with_ts ? SF_CK_LAYOUT_TS : 0));
	if (with_ts) {
		/* The flow's clock: ours plus the output's low half. */
		uint32_t clk = *tsval + (uint32_t)h;
		uint32_t ts = (clk & ~SF_CK_OPT_MASK) | opt;

		/* Never ahead of the clock the connection continues. */
		if (SF_SEQ_GT(ts, clk))
			ts -= 1u << SF_CK_TS_BITS;
		*tsval = ts;
	}
	return ((uint32_t)(h >> 32) & ~sf_cookie_lowmask(with_ts)) |
		(fields & sf_cookie_lowmask(with_ts));
}

__rte_always_inline int
sf_cookie_check(struct sf_cookie_keys *ck, const struct sf_flow_key *k,
		uint32_t irs, uint32_t iss, bool ts, uint32_t tsecr,
		struct sf_tcp_neg *out)
{
	uint32_t mask = ts ? ck->ck_mask_ts : ck->ck_mask_nots;
	/* Layout: the options in the TSval we sent, or in the ISN. */
	uint32_t opt = (ts ? tsecr : iss >> SF_CK_WS_SHIFT) & SF_CK_OPT_MASK;
	uint32_t in = (iss & SF_CK_T_MSS_MASK) | opt << SF_CK_WS_SHIFT |
		(ts ? SF_CK_LAYOUT_TS : 0);
	uint32_t cand[2], t, ws;
	unsigned int nc = 0, m, i, nm;

	sf_cookie_sync(ck);
	t = ck->ck_t;
	/*
	 * The T bit names period t, or t - 1, or (close to the next period,
	 * for a node whose clock is ahead) t + 1, which shares t - 1's bit.
	 */
	if ((iss & SF_CK_T_MASK) == (t & SF_CK_T_MASK)) {
		cand[nc++] = t;
	} else {
		cand[nc++] = t - 1;
		if (ck->ck_skew)
			cand[nc++] = t + 1;
	}
	nm = ck->ck_prev_until != 0 && ck->ck_wall < ck->ck_prev_until ?
		2 : 1;
	for (m = 0; m < nm; m++)
		for (i = 0; i < nc; i++) {
			uint32_t mac = (uint32_t)(sf_cookie_mac(
				sf_cookie_pkey(ck, m, cand[i]), k, irs, in) >> 32);

			if (((mac ^ iss) & mask) == 0)
				goto valid;
		}
	return -EBADMSG;
valid:
	ws = opt & SF_CK_WS_MASK;
	out->ng_mss = sf_cookie_mss_value(k->fk_family,
		(iss >> SF_CK_MSS_SHIFT) & SF_CK_MSS_MASK);
	out->ng_snd_wscale = ws != SF_COOKIE_WS_NONE ? (uint8_t)ws : 0;
	out->ng_rcv_wscale = 0;
	out->ng_flags = (ts ? SF_CONN_F_TS : 0) |
		(ws != SF_COOKIE_WS_NONE ? SF_CONN_F_WSCALE : 0);
	if (opt & SF_CK_TS_SACK)
		out->ng_flags |= SF_CONN_F_SACK;
	if (opt & SF_CK_TS_ECN)
		out->ng_flags |= SF_CONN_F_ECN;
	return 0;
}

int
sf_cookie_secret_from_hex(const char *hex, uint8_t key[16])
{
	unsigned int i;

	if (hex == NULL || strlen(hex) != 32)
		return -EINVAL;
	for (i = 0; i < 32; i++) {
		char c = hex[i];
		unsigned int v;

		if (c >= '0' && c <= '9')
			v = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
		if (i % 2 == 0)
			key[i / 2] = (uint8_t)(v << 4);
		else
			key[i / 2] |= (uint8_t)v;
	}
	return 0;
}

int
sf_cookie_secret_parse(const char *hex, struct sf_siphash_key *key)
{
	uint8_t b[16];

	if (sf_cookie_secret_from_hex(hex, b) != 0)
		return -EINVAL;
	sf_siphash_key_from_bytes(b, key);
	return 0;
}
