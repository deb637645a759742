/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/tcp/sf_cookie.c: SYN cookies. Round trips of both layouts, the MSS
 * tables, expiry across period rotations, clock skew between nodes that
 * share a secret, tampering, master secrets and their rotation, the hex
 * parser, and the measured forgery rate.
 *
 * Nothing reads the real clock: every wall time is passed in. Secrets
 * are fixed keys (secret_fixed()) and the flows, client ISNs and clocks
 * come from a fixed-seed xorshift64, so every run computes the same
 * MACs; only test_secret_random() uses random masters.
 */

#include <errno.h>
#include <netinet/in.h>

#include "sf_test.h"
#include "sf_cookie.h"
#include "sf_tcp_pvt.h"

#define PERIOD SF_COOKIE_PERIOD_MS
#define SKEW SF_COOKIE_SKEW_MS
/* A period number of about 2025 (UTC ms / 60 s), even. */
#define T0 29000000u

/* Wall clock ms at offset off into period t. */
static uint64_t
at(uint32_t t, uint32_t off)
{
	return (uint64_t)t * PERIOD + off;
}

/* xorshift64 (Marsaglia), fixed seed: the same flows on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd64(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static uint32_t
rnd32(void)
{
	return (uint32_t)(rnd64() >> 32);
}

/* A random 4-tuple of family (addresses and ports in network order). */
static void
flow_rand(struct sf_flow_key *k, uint8_t family)
{
	unsigned int i, n = family == AF_INET ? 1 : 4;

	memset(k, 0, sizeof(*k));
	k->fk_family = family;
	for (i = 0; i < n; i++) {
		k->fk_raddr[i] = rnd32();
		k->fk_laddr[i] = rnd32();
	}
	k->fk_rport = (uint16_t)rnd32();
	k->fk_lport = (uint16_t)rnd32();
}

/*
 * A secret whose current master is {k0, k1} and which has no previous
 * one: set at wall 0, so its grace ended long before any time used here.
 */
static void
secret_fixed(struct sf_cookie_secret *cs, uint64_t k0, uint64_t k1)
{
	const struct sf_siphash_key key = {{ k0, k1 }};

	sf_cookie_secret_init(cs);
	sf_cookie_secret_set(cs, &key, 0);
}

/* A SYN-ACK sent: what the third ACK will carry back. */
struct sent {
	struct sf_flow_key k;
	uint32_t irs;        /* client ISN */
	uint32_t iss;        /* the cookie */
	bool ts;
	uint32_t tsval;      /* our TSval (the clock passed when !ts) */
};

static void
cookie_send(struct sf_cookie_keys *ck, struct sent *c,
		const struct sf_flow_key *k, uint32_t irs,
		const struct sf_test_ck *o, uint32_t clk)
{
	c->k = *k;
	c->irs = irs;
	c->ts = o->ts;
	c->tsval = clk;
	c->iss = sf_test_ck_make(ck, k, irs, o, &c->tsval);
}

/* A cookie for a random flow: MSS 1460, window scale 7, SACK. */
static void
cookie_send_rand(struct sf_cookie_keys *ck, struct sent *c, uint8_t family,
		bool ts)
{
	const struct sf_test_ck o = {
		.mss = 1460, .wscale = 7, .sack = true, .ts = ts,
	};
	struct sf_flow_key k;

	flow_rand(&k, family);
	cookie_send(ck, c, &k, rnd32(), &o, rnd32());
}

static int
cookie_recv(struct sf_cookie_keys *ck, const struct sent *c)
{
	struct sf_test_ck out;

	return sf_test_ck_check(ck, &c->k, c->irs, c->iss, c->ts, c->tsval,
		&out);
}

static uint32_t ref_tsoff(const struct sf_siphash_key *master, uint32_t t,
		const struct sf_flow_key *k, uint32_t irs,
		const struct sf_test_ck *o);

/*
 * 1. Every MSS index x window scale (0..14, none) x SACK x ECN x
 * timestamps, for several flows of each family: the cookie decodes to
 * what went in, its fields sit where the header's layouts say, and the
 * TSval is the flow's clock (ours plus the cookie's offset) with the
 * options in its low bits, never ahead of it, also where it wraps.
 */
static void
test_roundtrip(void)
{
	const struct sf_siphash_key master = {{ 0x0123456789abcdefULL,
		0xfedcba9876543210ULL }};
	static const uint32_t clocks[] = {
		0, 1, 63, 64, 0x7fffffc0, 0x80000000, 0xffffffc0,
		0xffffffff,
	};
	static const uint8_t fams[] = { AF_INET, AF_INET6 };
	struct sf_cookie_secret cs;
	struct sf_cookie_keys ck, ck2;
	struct sf_test_ck o, out;
	struct sf_flow_key k;
	unsigned int f, n, idx, ws, opt, c, nclk, bad = 0;
	uint32_t irs, iss, clk, tsval, off, fc;
	int rc;

	secret_fixed(&cs, master.k[0], master.k[1]);
	sf_cookie_keys_init(&ck, &cs, at(T0 + 1, 12345));
	/* Another node on the same secret and period. */
	sf_cookie_keys_init(&ck2, &cs, at(T0 + 1, 40000));
	for (f = 0; f < RTE_DIM(fams); f++)
	for (n = 0; n < 4; n++) {
		flow_rand(&k, fams[f]);
		irs = n == 0 ? 0 : n == 1 ? 0xffffffff : rnd32();
		for (idx = 0; idx < SF_COOKIE_MSS_NB; idx++)
		for (ws = 0; ws <= SF_COOKIE_WS_NONE; ws++)
		for (opt = 0; opt < 8; opt++) {
			memset(&o, 0, sizeof(o));
			o.mss = sf_cookie_mss_value(fams[f], idx);
			o.wscale = (uint8_t)ws;
			o.sack = (opt & 1) != 0;
			o.ecn = (opt & 2) != 0;
			o.ts = (opt & 4) != 0;
			/* Flow clocks near the wrap, then a random one. */
			nclk = o.ts ? RTE_DIM(clocks) + 1 : 1;
			off = ref_tsoff(&master, T0 + 1, &k, irs, &o);
			for (c = 0; c < nclk; c++) {
				int e = sf_test_failures;

				clk = o.ts && c < RTE_DIM(clocks) ?
					clocks[c] - off : rnd32();
				fc = clk + off;
				tsval = clk;
				iss = sf_test_ck_make(&ck, &k, irs, &o,
					&tsval);
				/* The ISN's fields. */
				SF_CHECK_EQ(iss & SF_CK_T_MASK,
					(T0 + 1) & SF_CK_T_MASK);
				SF_CHECK_EQ((iss >> SF_CK_MSS_SHIFT) &
					SF_CK_MSS_MASK, idx);
				if (!o.ts) {
					SF_CHECK_EQ(tsval, clk);
					SF_CHECK_EQ((iss >> SF_CK_WS_SHIFT) &
						SF_CK_WS_MASK, ws);
					SF_CHECK_EQ(!!(iss & SF_CK_SACK),
						o.sack);
					SF_CHECK_EQ(!!(iss & SF_CK_ECN),
						o.ecn);
				} else {
					/* Never ahead, less than 64 behind. */
					SF_CHECK((int32_t)(tsval - fc) <= 0);
					SF_CHECK(fc - tsval < 64);
					SF_CHECK((tsval & ~63u) ==
						(fc & ~63u) ||
						(tsval & ~63u) ==
						(fc & ~63u) - 64);
					SF_CHECK_EQ(tsval & SF_CK_WS_MASK, ws);
					SF_CHECK_EQ(!!(tsval & SF_CK_TS_SACK),
						o.sack);
					SF_CHECK_EQ(!!(tsval & SF_CK_TS_ECN),
						o.ecn);
				}
				memset(&out, 0xa5, sizeof(out));
				rc = sf_test_ck_check(&ck, &k, irs, iss, o.ts,
					tsval, &out);
				SF_CHECK_EQ(rc, 0);
				SF_CHECK_EQ(out.mss, o.mss);
				SF_CHECK_EQ(out.mss_idx, idx);
				SF_CHECK_EQ(out.wscale, ws);
				SF_CHECK_EQ(out.sack, o.sack);
				SF_CHECK_EQ(out.ecn, o.ecn);
				SF_CHECK_EQ(out.ts, o.ts);
				/* The other node agrees. */
				rc = sf_test_ck_check(&ck2, &k, irs, iss, o.ts,
					tsval, &out);
				SF_CHECK_EQ(rc, 0);
				SF_CHECK_EQ(out.wscale, ws);
				if (sf_test_failures != e && bad++ < 5)
					fprintf(stderr, "  (family %u irs "
						"0x%08x mss %u ws %u opt %u "
						"clk 0x%08x iss 0x%08x tsval "
						"0x%08x)\n", fams[f], irs,
						o.mss, ws, opt, clk, iss,
						tsval);
			}
		}
	}

	/* A client MSS between entries is rounded down to the table. */
	flow_rand(&k, AF_INET);
	memset(&o, 0, sizeof(o));
	o.mss = 1459;
	o.wscale = SF_COOKIE_WS_NONE;
	tsval = 0;
	iss = sf_test_ck_make(&ck, &k, 77, &o, &tsval);
	SF_CHECK_EQ(sf_test_ck_check(&ck, &k, 77, iss, false, 0, &out), 0);
	SF_CHECK_EQ(out.mss, 1452);
	SF_CHECK_EQ(out.mss_idx, 6);
	SF_CHECK_EQ(out.wscale, SF_COOKIE_WS_NONE);
	flow_rand(&k, AF_INET6);
	o.mss = 9000;
	o.ts = true;
	/* A flow clock whose low bits (40) are above the options (15). */
	off = ref_tsoff(&master, T0 + 1, &k, 77, &o);
	tsval = 1000 - off;
	iss = sf_test_ck_make(&ck, &k, 77, &o, &tsval);
	SF_CHECK_EQ(sf_test_ck_check(&ck, &k, 77, iss, true, tsval, &out), 0);
	SF_CHECK_EQ(out.mss, 1440);
	SF_CHECK_EQ(out.mss_idx, 7);
	SF_CHECK_EQ(tsval, (1000 & ~63u) | 15);
}

/* v as 4 bytes, most significant first. */
static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * H as sf_cookie.h specifies it, written from the header alone:
 * K(t) = (SipHash(master, "sfcookie" | t | 0 0 0 0),
 * SipHash(master, "sfcookie" | t | 0 0 0 1)) as the 16 bytes of an
 * AES-128 key (each word little-endian), then the AES CBC-MAC under it
 * of tag | 0 | lport | laddr | (8 zero bytes, IPv4) | raddr | irs |
 * rport | 0 0 | fields (tag 4 or 6; 32 or 48 bytes), all in network byte
 * order (the flow key holds addresses and ports in network order
 * already): the first 8 bytes of the last block as a little-endian
 * word, its high 32 bits the MAC, its low 32 the TSval offset. AES
 * itself is test_aes's (FIPS-197's vectors); the byte-wise code here.
 */
static uint64_t
ref_hash(const struct sf_siphash_key *master, uint32_t t,
		const struct sf_flow_key *k, uint32_t irs, uint32_t fields)
{
	uint8_t in[16] = { 's', 'f', 'c', 'o', 'o', 'k', 'i', 'e' };
	unsigned int alen = k->fk_family == AF_INET ? 4 : 16, i, n;
	uint8_t msg[48] = { 0 }, *p = msg, key[16], x[16] = { 0 };
	struct sf_aes_key ak;
	uint64_t w, h = 0;

	put_be32(&in[8], t);
	w = sf_siphash(master, in, sizeof(in));
	for (i = 0; i < 8; i++)
		key[i] = (uint8_t)(w >> (8 * i));
	in[15] = 1;
	w = sf_siphash(master, in, sizeof(in));
	for (i = 0; i < 8; i++)
		key[8 + i] = (uint8_t)(w >> (8 * i));
	sf_aes128_expand(key, &ak);
	/* Tag, zero, our port, ours, (zeros), the peer, ISN, its port... */
	p[0] = alen == 4 ? 4 : 6;
	memcpy(p + 2, &k->fk_lport, 2);
	memcpy(p + 4, k->fk_laddr, alen);
	p += 4 + alen + (alen == 4 ? 8 : 0);
	memcpy(p, k->fk_raddr, alen);
	p += alen;
	put_be32(p, irs);
	memcpy(p + 4, &k->fk_rport, 2);
	/* ...two zeros, the fields. */
	put_be32(p + 8, fields);
	p += 12;
	n = (unsigned int)(p - msg);
	SF_CHECK_EQ(n, alen == 4 ? 32u : 48u);
	for (i = 0; i < n; i += 16)
		sf_aes128_step_sw(&ak, x, msg + i, x);
	for (i = 0; i < 8; i++)
		h |= (uint64_t)x[i] << (8 * i);
	return h;
}

/* The fields word of the MAC input: every option bit, and the layout. */
static uint32_t
ref_fields(uint32_t t, const struct sf_flow_key *k, const struct sf_test_ck *o)
{
	uint32_t opt = (o->wscale & 0xfu) | (o->sack ? 1u << 4 : 0) |
		(o->ecn ? 1u << 5 : 0);

	return (t & 1) | sf_cookie_mss_index(k->fk_family, o->mss) << 1 |
		opt << 4 | (o->ts ? 1u << 31 : 0);
}

/* The TSval offset of the cookie for these inputs: H's low half. */
static uint32_t
ref_tsoff(const struct sf_siphash_key *master, uint32_t t,
		const struct sf_flow_key *k, uint32_t irs,
		const struct sf_test_ck *o)
{
	return (uint32_t)ref_hash(master, t, k, irs, ref_fields(t, k, o));
}

/*
 * The cookie ISN (and TSval) the header's layouts give; *tsval holds our
 * ms clock on entry (timestamps only).
 */
static uint32_t
ref_cookie(const struct sf_siphash_key *master, uint32_t t,
		const struct sf_flow_key *k, uint32_t irs,
		const struct sf_test_ck *o, uint32_t *tsval)
{
	uint32_t fields = ref_fields(t, k, o);
	uint64_t h = ref_hash(master, t, k, irs, fields);
	uint32_t clk, ts;

	if (!o->ts)
		return ((uint32_t)(h >> 32) & ~0x3ffu) | (fields & 0x3ffu);
	clk = *tsval + (uint32_t)h;
	ts = (clk & ~63u) | ((fields >> 4) & 63u);
	if ((int32_t)(ts - clk) > 0)
		ts -= 64;
	*tsval = ts;
	return ((uint32_t)(h >> 32) & ~0xfu) | (fields & 0xfu);
}

/*
 * 1b. The construction the header documents, which nodes of another
 * build or byte order must reproduce: cookies equal to ref_cookie()'s,
 * one known answer, and MAC bits that are each set in about half of
 * the cookies (none stuck, so no MAC bit is free to guess).
 */
static void
test_spec(void)
{
	const struct sf_siphash_key master = {{ 0x0706050403020100ULL,
		0x0f0e0d0c0b0a0908ULL }};
	struct sf_cookie_secret cs;
	struct sf_cookie_keys ck;
	struct sf_test_ck o;
	struct sf_flow_key k;
	unsigned int i, b, ones[32] = { 0 }, ones_ts[32] = { 0 };
	uint32_t irs, iss, ref, tsval, rtsval;

	secret_fixed(&cs, master.k[0], master.k[1]);
	sf_cookie_keys_init(&ck, &cs, at(T0 + 1, 100));
	for (i = 0; i < 4096; i++) {
		flow_rand(&k, i & 1 ? AF_INET6 : AF_INET);
		irs = rnd32();
		memset(&o, 0, sizeof(o));
		o.mss = (uint16_t)(500 + rnd32() % 1100);
		o.wscale = (uint8_t)(rnd32() % 16);
		o.sack = rnd32() & 1;
		o.ecn = rnd32() & 1;
		o.ts = (i & 2) != 0;
		tsval = rtsval = rnd32();
		iss = sf_test_ck_make(&ck, &k, irs, &o, &tsval);
		ref = ref_cookie(&master, T0 + 1, &k, irs, &o, &rtsval);
		if (iss != ref || tsval != rtsval) {
			if (sf_test_failures < 10)
				fprintf(stderr, "FAIL: cookie 0x%08x tsval "
					"0x%08x, header says 0x%08x 0x%08x\n",
					iss, tsval, ref, rtsval);
			sf_test_failures++;
		}
		for (b = 0; b < 32; b++) {
			ones[b] += (iss >> b) & 1;
			if (o.ts)
				ones_ts[b] += (iss >> b) & 1;
		}
	}
	/*
	 * Bits 10..31 are MAC in both layouts: 2048 +- 32 (1 sd) of 4096
	 * set, allow 16 sd; bits 4..9 in the timestamp cookies: 1024 +- 23
	 * of 2048, allow 11 sd.
	 */
	for (b = SF_CK_LOW_NOTS; b < 32; b++)
		if (ones[b] < 1536 || ones[b] > 2560) {
			fprintf(stderr, "FAIL: MAC bit %u set in %u of 4096\n",
				b, ones[b]);
			sf_test_failures++;
		}
	for (b = SF_CK_LOW_TS; b < SF_CK_LOW_NOTS; b++)
		if (ones_ts[b] < 768 || ones_ts[b] > 1280) {
			fprintf(stderr, "FAIL: MAC bit %u set in %u of 2048 "
				"(ts)\n", b, ones_ts[b]);
			sf_test_failures++;
		}

	/*
	 * A known answer: master 00 01 .. 0f, period T0 + 1, IPv4
	 * 10.0.0.2:40000 -> 10.0.0.1:80, client ISN 1000, MSS 1460, window
	 * scale 7, SACK; with timestamps, clock 0x12345678.
	 */
	memset(&k, 0, sizeof(k));
	k.fk_family = AF_INET;
	k.fk_raddr[0] = rte_cpu_to_be_32(0x0a000002);
	k.fk_laddr[0] = rte_cpu_to_be_32(0x0a000001);
	k.fk_rport = rte_cpu_to_be_16(40000);
	k.fk_lport = rte_cpu_to_be_16(80);
	memset(&o, 0, sizeof(o));
	o.mss = 1460;
	o.wscale = 7;
	o.sack = true;
	/* The values test/py/sf_cookie_ref.py gives for these inputs. */
	SF_CHECK_EQ(ref_cookie(&master, T0 + 1, &k, 1000, &o, &rtsval),
		0x4e63bd7f);
	SF_CHECK_EQ(sf_test_ck_make(&ck, &k, 1000, &o, &tsval), 0x4e63bd7f);
	o.ts = true;
	rtsval = 0x12345678;
	SF_CHECK_EQ(ref_cookie(&master, T0 + 1, &k, 1000, &o, &rtsval),
		0x74cb6c8f);
	/* Offset 0x3d476758: clock 0x4f7bbdd0, options 0x17. */
	SF_CHECK_EQ(ref_tsoff(&master, T0 + 1, &k, 1000, &o), 0x3d476758);
	SF_CHECK_EQ(rtsval, 0x4f7bbd97);
	tsval = 0x12345678;
	SF_CHECK_EQ(sf_test_ck_make(&ck, &k, 1000, &o, &tsval), 0x74cb6c8f);
	SF_CHECK_EQ(tsval, 0x4f7bbd97);

	/*
	 * The period key keeps the MAC's first step for an IPv4 cookie's
	 * first block (our address and port): four periods on, the same
	 * slot holds another key, and the step must go with the old one.
	 */
	o.ts = false;
	sf_cookie_keys_update(&ck, at(T0 + 5, 100));
	rtsval = tsval = 0;
	SF_CHECK_EQ(sf_test_ck_make(&ck, &k, 1000, &o, &tsval),
		ref_cookie(&master, T0 + 5, &k, 1000, &o, &rtsval));
	SF_CHECK(sf_test_ck_make(&ck, &k, 1000, &o, &tsval) != 0x4e63bd7f);
}

/*
 * 2. The MSS tables: 8 ascending entries per family; the index is the
 * largest entry not above the MSS, entry 0 below all.
 */
static void
test_mss(void)
{
	static const uint8_t fams[] = { AF_INET, AF_INET6 };
	unsigned int f, i;

	for (f = 0; f < RTE_DIM(fams); f++) {
		uint8_t fam = fams[f];

		for (i = 0; i < SF_COOKIE_MSS_NB; i++) {
			uint16_t v = sf_cookie_mss_value(fam, i);

			SF_CHECK_EQ(sf_cookie_mss_index(fam, v), i);
			if (i + 1 < SF_COOKIE_MSS_NB) {
				uint16_t nx = sf_cookie_mss_value(fam, i + 1);

				SF_CHECK(v < nx);
				SF_CHECK_EQ(sf_cookie_mss_index(fam,
					(uint16_t)(nx - 1)), i);
			}
			if (i > 0)
				SF_CHECK_EQ(sf_cookie_mss_index(fam,
					(uint16_t)(v - 1)), i - 1);
		}
		SF_CHECK_EQ(sf_cookie_mss_index(fam, 0), 0);
		SF_CHECK_EQ(sf_cookie_mss_index(fam, 65535),
			SF_COOKIE_MSS_NB - 1);
	}
	SF_CHECK_EQ(sf_cookie_mss_value(AF_INET, 0), 536);
	SF_CHECK_EQ(sf_cookie_mss_value(AF_INET, 7), 1460);
	SF_CHECK_EQ(sf_cookie_mss_value(AF_INET6, 0), 1220);
	SF_CHECK_EQ(sf_cookie_mss_value(AF_INET6, 7), 1440);

	SF_CHECK_EQ(sf_cookie_mss_index(AF_INET, 0), 0);
	SF_CHECK_EQ(sf_cookie_mss_index(AF_INET, 535), 0);
	SF_CHECK_EQ(sf_cookie_mss_index(AF_INET, 536), 0);
	SF_CHECK_EQ(sf_cookie_mss_value(AF_INET,
		sf_cookie_mss_index(AF_INET, 1459)), 1452);
	SF_CHECK_EQ(sf_cookie_mss_index(AF_INET, 1460), 7);
	SF_CHECK_EQ(sf_cookie_mss_index(AF_INET, 9000), 7);

	SF_CHECK_EQ(sf_cookie_mss_index(AF_INET6, 1219), 0);
	SF_CHECK_EQ(sf_cookie_mss_index(AF_INET6, 1220), 0);
	SF_CHECK_EQ(sf_cookie_mss_index(AF_INET6, 1440), 7);
	SF_CHECK_EQ(sf_cookie_mss_index(AF_INET6, 65535), 7);
	SF_CHECK_EQ(sf_cookie_mss_value(AF_INET6,
		sf_cookie_mss_index(AF_INET6, 1439)), 1432);
}

/*
 * sf_cookie_keys_update() is due again at the next period's SKEW window,
 * at the period boundary, and at least every SF_COOKIE_TICK_MS (so a new
 * master and the end of the old one's grace apply within a second).
 */
static void
test_update_due(void)
{
	struct sf_cookie_secret cs;
	struct sf_cookie_keys ck;

	secret_fixed(&cs, 1, 2);
	sf_cookie_keys_init(&ck, &cs, at(T0, 0));
	SF_CHECK_EQ(sf_cookie_keys_update(&ck, at(T0, 0)), SF_COOKIE_TICK_MS);
	SF_CHECK(!ck.ck_skew);
	SF_CHECK_EQ(sf_cookie_keys_update(&ck, at(T0, 1000)),
		SF_COOKIE_TICK_MS);
	SF_CHECK_EQ(sf_cookie_keys_update(&ck, at(T0, PERIOD - SKEW - 1)), 1);
	SF_CHECK_EQ(sf_cookie_keys_update(&ck, at(T0, PERIOD - SKEW - 999)),
		999);
	SF_CHECK(!ck.ck_skew);
	SF_CHECK_EQ(sf_cookie_keys_update(&ck, at(T0, PERIOD - SKEW)),
		RTE_MIN(SKEW, SF_COOKIE_TICK_MS));
	SF_CHECK(ck.ck_skew);
	SF_CHECK_EQ(ck.ck_t, T0);
	SF_CHECK_EQ(sf_cookie_keys_update(&ck, at(T0, PERIOD - 1)), 1);
	SF_CHECK_EQ(sf_cookie_keys_update(&ck, at(T0 + 1, 0)),
		SF_COOKIE_TICK_MS);
	SF_CHECK_EQ(ck.ck_t, T0 + 1);
	SF_CHECK(!ck.ck_skew);
}

/*
 * 3. Expiry. A cookie made in period t validates through periods t and
 * t + 1 and fails from t + 2 on (the T bit names t again at t + 2 and at
 * t + 4, t + 1 at t + 3 and t + 5, never the dead key): 60 to 120 s.
 * Both parities of t, both layouts, offsets across the period including
 * its SKEW window and its last ms.
 */
static void
test_expiry(void)
{
	static const uint32_t offs[] = {
		0, 1, 29999, PERIOD - SKEW - 1, PERIOD - SKEW,
		PERIOD - SKEW + 1000, PERIOD - 1,
	};
	struct sf_cookie_secret cs;
	struct sf_cookie_keys ck;
	struct sent c;
	unsigned int p, l, mi, ci, d;
	uint32_t t;

	secret_fixed(&cs, 0x1111111111111111ULL, 0x2222222222222222ULL);
	for (p = 0; p < 2; p++)
	for (l = 0; l < 2; l++)
	for (mi = 0; mi < RTE_DIM(offs); mi++) {
		t = T0 + p;
		sf_cookie_keys_init(&ck, &cs, at(t, offs[mi]));
		cookie_send_rand(&ck, &c, l ? AF_INET6 : AF_INET, l == 1);
		SF_CHECK_EQ(c.iss & SF_CK_T_MASK, t & SF_CK_T_MASK);
		/* The rest of its period, then the whole next one. */
		for (ci = mi; ci < RTE_DIM(offs); ci++) {
			sf_cookie_keys_update(&ck, at(t, offs[ci]));
			SF_CHECK_EQ(cookie_recv(&ck, &c), 0);
		}
		for (ci = 0; ci < RTE_DIM(offs); ci++) {
			sf_cookie_keys_update(&ck, at(t + 1, offs[ci]));
			SF_CHECK_EQ(cookie_recv(&ck, &c), 0);
		}
		/* Dead from t + 2, whatever the T bit names later. */
		for (d = 2; d <= 5; d++)
			for (ci = 0; ci < RTE_DIM(offs); ci++) {
				sf_cookie_keys_update(&ck, at(t + d, offs[ci]));
				SF_CHECK_EQ(cookie_recv(&ck, &c), -EBADMSG);
			}
		/* And 2^8, 2^16, 2^24, 2^31 periods on: all of t counts. */
		for (d = 8; d <= 32; d += 8) {
			uint32_t dt = 1u << (d < 32 ? d : 31);

			sf_cookie_keys_update(&ck, at(t + dt, offs[mi]));
			SF_CHECK_EQ(cookie_recv(&ck, &c), -EBADMSG);
		}
		/* A node that starts late has the same view. */
		sf_cookie_keys_init(&ck, &cs, at(t + 2, 0));
		SF_CHECK_EQ(cookie_recv(&ck, &c), -EBADMSG);
		sf_cookie_keys_init(&ck, &cs, at(t + 1, PERIOD - 1));
		SF_CHECK_EQ(cookie_recv(&ck, &c), 0);
	}

	/*
	 * The lifetime: made at the very start of t, valid until the end of
	 * t + 1 (2 periods less 1 ms); made in the last ms of t, valid for
	 * one period exactly.
	 */
	for (l = 0; l < 2; l++) {
		uint64_t made[2] = { at(T0, 0), at(T0, PERIOD - 1) };
		uint64_t life[2] = { 2 * PERIOD - 1, PERIOD };

		for (mi = 0; mi < 2; mi++) {
			sf_cookie_keys_init(&ck, &cs, made[mi]);
			cookie_send_rand(&ck, &c, AF_INET, l == 1);
			sf_cookie_keys_update(&ck, made[mi] + life[mi]);
			SF_CHECK_EQ(cookie_recv(&ck, &c), 0);
			sf_cookie_keys_update(&ck, made[mi] + life[mi] + 1);
			SF_CHECK_EQ(cookie_recv(&ck, &c), -EBADMSG);
			SF_CHECK_EQ(made[mi] + life[mi] + 1, at(T0 + 2, 0));
		}
	}
}

/*
 * 4. Skew between nodes that share the secret. A node whose clock is a
 * little behind, within SKEW of the next period, accepts the cookies of
 * a node already in it (key t + 1); 5 s behind it is outside the window
 * and does not. The header's window: the last SKEW ms of the period
 * (offset >= PERIOD - SKEW).
 */
static void
test_skew(void)
{
	struct sf_cookie_secret cs;
	struct sf_cookie_keys a, b, far;
	const uint64_t edge = at(T0 + 1, 0);   /* a period boundary */
	struct sent c, cb, cold, cfar;
	unsigned int l;

	secret_fixed(&cs, 0x3333333333333333ULL, 0x4444444444444444ULL);
	for (l = 0; l < 2; l++) {
		uint8_t fam = l ? AF_INET6 : AF_INET;
		bool ts = l == 1;

		/* Node a is 1 ms into period T0 + 1. */
		sf_cookie_keys_init(&a, &cs, edge + 1);
		cookie_send_rand(&a, &c, fam, ts);
		SF_CHECK_EQ(c.iss & SF_CK_T_MASK, (T0 + 1) & SF_CK_T_MASK);
		SF_CHECK_EQ(cookie_recv(&a, &c), 0);

		/* b, 500 ms behind a (501 before the boundary): accepts. */
		sf_cookie_keys_init(&b, &cs, edge - 500);
		SF_CHECK(b.ck_skew);
		SF_CHECK_EQ(cookie_recv(&b, &c), 0);
		/* The window's first ms, and the ms before it. */
		sf_cookie_keys_init(&b, &cs, edge - SKEW);
		SF_CHECK_EQ(cookie_recv(&b, &c), 0);
		sf_cookie_keys_init(&b, &cs, edge - SKEW - 1);
		SF_CHECK(!b.ck_skew);
		SF_CHECK_EQ(cookie_recv(&b, &c), -EBADMSG);
		/* 5 s behind: outside the window. */
		sf_cookie_keys_init(&b, &cs, edge - 5000);
		SF_CHECK_EQ(cookie_recv(&b, &c), -EBADMSG);
		/* The same node once its clock reaches the window. */
		sf_cookie_keys_update(&b, edge - 500);
		SF_CHECK_EQ(cookie_recv(&b, &c), 0);

		/* The other way: a accepts b's cookie of period T0. */
		cookie_send_rand(&b, &cb, fam, ts);
		SF_CHECK_EQ(cb.iss & SF_CK_T_MASK, T0 & SF_CK_T_MASK);
		SF_CHECK_EQ(cookie_recv(&a, &cb), 0);
		SF_CHECK_EQ(cookie_recv(&b, &cb), 0);

		/* In the window b still accepts period T0 - 1 ... */
		sf_cookie_keys_init(&far, &cs, at(T0 - 1, 100));
		cookie_send_rand(&far, &cold, fam, ts);
		SF_CHECK_EQ(cookie_recv(&b, &cold), 0);
		/* ... but not T0 + 3, which has T0 + 1's T bit. */
		sf_cookie_keys_init(&far, &cs, at(T0 + 3, 1));
		cookie_send_rand(&far, &cfar, fam, ts);
		SF_CHECK_EQ(cfar.iss & SF_CK_T_MASK, c.iss & SF_CK_T_MASK);
		SF_CHECK_EQ(cookie_recv(&b, &cfar), -EBADMSG);
		/* Nor T0 + 2, which has T0's. */
		sf_cookie_keys_init(&far, &cs, at(T0 + 2, 1));
		cookie_send_rand(&far, &cfar, fam, ts);
		SF_CHECK_EQ(cookie_recv(&b, &cfar), -EBADMSG);
		/* Out of the window a node still in T0 rejects T0 + 1's. */
		sf_cookie_keys_init(&far, &cs, at(T0 + 1, 30000));
		SF_CHECK_EQ(cookie_recv(&far, &c), 0);
		sf_cookie_keys_init(&b, &cs, at(T0, 30000));
		SF_CHECK_EQ(cookie_recv(&b, &c), -EBADMSG);
	}
}

/*
 * 5. Any change to what the MAC covers fails: each part of the 4-tuple,
 * the client ISN, any bit of the ACK (MAC or fields: a changed field is
 * a different MAC input), any bit of the TSecr, the layout flag.
 */
static void
test_tamper_one(struct sf_cookie_keys *ck, const struct sent *c0)
{
	struct sent c;
	unsigned int b, w, n = c0->k.fk_family == AF_INET ? 1 : 4;

	SF_CHECK_EQ(cookie_recv(ck, c0), 0);
	for (w = 0; w < n; w++) {
		c = *c0;
		c.k.fk_raddr[w] ^= rte_cpu_to_be_32(1);
		SF_CHECK_EQ(cookie_recv(ck, &c), -EBADMSG);
		c = *c0;
		c.k.fk_raddr[w] ^= rte_cpu_to_be_32(0x80000000);
		SF_CHECK_EQ(cookie_recv(ck, &c), -EBADMSG);
		c = *c0;
		c.k.fk_laddr[w] ^= rte_cpu_to_be_32(1);
		SF_CHECK_EQ(cookie_recv(ck, &c), -EBADMSG);
		c = *c0;
		c.k.fk_laddr[w] ^= rte_cpu_to_be_32(0x80000000);
		SF_CHECK_EQ(cookie_recv(ck, &c), -EBADMSG);
	}
	/* Addresses swapped. */
	c = *c0;
	memcpy(c.k.fk_raddr, c0->k.fk_laddr, sizeof(c.k.fk_raddr));
	memcpy(c.k.fk_laddr, c0->k.fk_raddr, sizeof(c.k.fk_laddr));
	SF_CHECK_EQ(cookie_recv(ck, &c), -EBADMSG);
	c = *c0;
	c.k.fk_rport ^= rte_cpu_to_be_16(1);
	SF_CHECK_EQ(cookie_recv(ck, &c), -EBADMSG);
	c = *c0;
	c.k.fk_lport ^= rte_cpu_to_be_16(1);
	SF_CHECK_EQ(cookie_recv(ck, &c), -EBADMSG);
	c = *c0;
	c.k.fk_rport = c0->k.fk_lport;
	c.k.fk_lport = c0->k.fk_rport;
	if (c.k.fk_rport != c0->k.fk_rport)
		SF_CHECK_EQ(cookie_recv(ck, &c), -EBADMSG);
	/* The same numbers read as the other family. */
	c = *c0;
	c.k.fk_family = n == 1 ? AF_INET6 : AF_INET;
	SF_CHECK_EQ(cookie_recv(ck, &c), -EBADMSG);
	/* The client ISN. */
	c = *c0;
	c.irs++;
	SF_CHECK_EQ(cookie_recv(ck, &c), -EBADMSG);
	c = *c0;
	c.irs--;
	SF_CHECK_EQ(cookie_recv(ck, &c), -EBADMSG);
	/* Every bit of the ACK, and of the TSecr. */
	for (b = 0; b < 32; b++) {
		c = *c0;
		c.iss ^= 1u << b;
		if (sf_test_ck_check(ck, &c.k, c.irs, c.iss, c.ts, c.tsval,
				&(struct sf_test_ck){ 0 }) != -EBADMSG) {
			fprintf(stderr, "FAIL: ack bit %u flipped accepted "
				"(ts %d)\n", b, c.ts);
			sf_test_failures++;
		}
		if (!c0->ts)
			continue;
		/*
		 * The option bits are MAC input; the clock bits are not (as
		 * in Linux): they only set the connection's own offset.
		 */
		c = *c0;
		c.tsval ^= 1u << b;
		if ((cookie_recv(ck, &c) == 0) != (b >= SF_CK_TS_BITS)) {
			fprintf(stderr, "FAIL: tsecr bit %u flipped %s\n", b,
				b >= SF_CK_TS_BITS ? "refused" : "accepted");
			sf_test_failures++;
		}
	}
	/* The layout: checked as the other one. */
	c = *c0;
	c.ts = !c.ts;
	SF_CHECK_EQ(cookie_recv(ck, &c), -EBADMSG);
	if (!c0->ts) {
		c.tsval = 0;
		SF_CHECK_EQ(cookie_recv(ck, &c), -EBADMSG);
	}
}

/*
 * The layout flag in the MAC input. Both layouts MAC the same fields
 * word but for the flag: a no-timestamp cookie checked as a timestamp
 * one whose TSecr carries its option bits would have the same MAC input
 * without it, and one in 64 timestamp cookies would pass for the other
 * layout (when the 6 MAC bits over the no-timestamp options match).
 */
static void
test_layout_flag(struct sf_cookie_keys *ck)
{
	struct sf_test_ck o = { .mss = 1460 };
	struct sf_test_ck out;
	struct sf_flow_key k;
	unsigned int i, as_ts = 0, as_nots = 0;
	uint32_t irs, iss, tsval;

	for (i = 0; i < 1024; i++) {
		flow_rand(&k, i & 1 ? AF_INET6 : AF_INET);
		irs = rnd32();
		o.wscale = (uint8_t)(rnd32() % 16);
		o.sack = rnd32() & 1;
		o.ts = false;
		iss = sf_test_ck_make(ck, &k, irs, &o, &tsval);
		as_ts += sf_test_ck_check(ck, &k, irs, iss, true,
			(rnd32() & ~SF_CK_OPT_MASK) |
			((iss >> SF_CK_WS_SHIFT) & SF_CK_OPT_MASK), &out) == 0;
		o.ts = true;
		tsval = rnd32();
		iss = sf_test_ck_make(ck, &k, irs, &o, &tsval);
		as_nots += sf_test_ck_check(ck, &k, irs, iss, false, 0,
			&out) == 0;
	}
	SF_CHECK_EQ(as_ts, 0);
	SF_CHECK_EQ(as_nots, 0);
}

static void
test_tamper(void)
{
	struct sf_cookie_secret cs;
	struct sf_cookie_keys ck;
	struct sent c;
	unsigned int n, l;

	secret_fixed(&cs, 0x5555555555555555ULL, 0x6666666666666666ULL);
	sf_cookie_keys_init(&ck, &cs, at(T0, 7000));
	for (n = 0; n < 8; n++)
		for (l = 0; l < 4; l++) {
			cookie_send_rand(&ck, &c, l & 1 ? AF_INET6 : AF_INET,
				l >= 2);
			test_tamper_one(&ck, &c);
		}
	test_layout_flag(&ck);
	/* Also in the SKEW window, where two keys are tried. */
	sf_cookie_keys_update(&ck, at(T0, PERIOD - 1000));
	for (l = 0; l < 4; l++) {
		cookie_send_rand(&ck, &c, l & 1 ? AF_INET6 : AF_INET, l >= 2);
		test_tamper_one(&ck, &c);
	}
}

/*
 * 6a. Two random masters: neither accepts the other's cookies (one
 * chance match in 64 is allowed: p ~ 2^-22 each, so even that is a
 * 1-in-a-million event); configured with the same key they agree,
 * without a keys update: workers pick up a new master lazily.
 */
static void
test_secret_random(void)
{
	const struct sf_siphash_key key = {{ 0x0706050403020100ULL,
		0x0f0e0d0c0b0a0908ULL }};
	struct sf_cookie_secret cs1, cs2;
	struct sf_cookie_keys a, b;
	struct sent c;
	const uint64_t w = at(T0, 5000);
	unsigned int i, own = 0, cross = 0;

	sf_cookie_secret_init(&cs1);
	sf_cookie_secret_init(&cs2);
	SF_CHECK(cs1.cs_cur.k[0] != cs2.cs_cur.k[0] ||
		cs1.cs_cur.k[1] != cs2.cs_cur.k[1]);
	SF_CHECK_EQ(cs1.cs_prev_until, 0);
	sf_cookie_keys_init(&a, &cs1, w);
	sf_cookie_keys_init(&b, &cs2, w);
	for (i = 0; i < 64; i++) {
		cookie_send_rand(&a, &c, i & 1 ? AF_INET6 : AF_INET, i & 2);
		own += cookie_recv(&a, &c) == 0;
		cross += cookie_recv(&b, &c) == 0;
	}
	SF_CHECK_EQ(own, 64);
	SF_CHECK(cross <= 1);

	sf_cookie_secret_set(&cs1, &key, w + 1000);
	sf_cookie_secret_set(&cs2, &key, w + 2000);
	for (i = 0; i < 64; i++) {
		cookie_send_rand(&a, &c, i & 1 ? AF_INET6 : AF_INET, i & 2);
		SF_CHECK_EQ(cookie_recv(&b, &c), 0);
		cookie_send_rand(&b, &c, i & 1 ? AF_INET6 : AF_INET, i & 2);
		SF_CHECK_EQ(cookie_recv(&a, &c), 0);
	}
}

/*
 * 6b. Rotation: after sf_cookie_secret_set() at wall r the old master's
 * cookies validate until r + PERIOD (and fail from then on even though
 * their period key would still be live), the new master signs at once;
 * only one previous master is kept.
 */
static void
test_secret_rotate(void)
{
	const struct sf_siphash_key k2 = {{ 0x2020202020202020ULL, 2 }};
	const struct sf_siphash_key k3 = {{ 0x3030303030303030ULL, 3 }};
	struct sf_cookie_secret cs, only1, only2;
	struct sf_cookie_keys a, d, v1, v2;
	struct sent old[4], nw[4], c;
	const uint64_t w = at(T0, 1000);
	const uint64_t r = w + 1000;       /* the rotation */
	unsigned int i;

	secret_fixed(&cs, 0x1010101010101010ULL, 1);
	secret_fixed(&only1, 0x1010101010101010ULL, 1);
	secret_fixed(&only2, k2.k[0], k2.k[1]);
	sf_cookie_keys_init(&a, &cs, w);
	sf_cookie_keys_init(&d, &cs, w);   /* a worker not updated */
	sf_cookie_keys_init(&v1, &only1, r);
	sf_cookie_keys_init(&v2, &only2, r);
	for (i = 0; i < RTE_DIM(old); i++) {
		cookie_send_rand(&a, &old[i], i & 1 ? AF_INET6 : AF_INET,
			i & 2);
		SF_CHECK_EQ(cookie_recv(&v1, &old[i]), 0);
	}

	sf_cookie_secret_set(&cs, &k2, r);
	SF_CHECK_EQ(cs.cs_prev_until, r + PERIOD);
	for (i = 0; i < RTE_DIM(old); i++) {
		/* Grace, picked up in check (no update). */
		SF_CHECK_EQ(cookie_recv(&a, &old[i]), 0);
		SF_CHECK_EQ(cookie_recv(&d, &old[i]), 0);
		/* New cookies are signed with the new master. */
		cookie_send_rand(&a, &nw[i], i & 1 ? AF_INET6 : AF_INET,
			i & 2);
		SF_CHECK_EQ(cookie_recv(&v2, &nw[i]), 0);
		SF_CHECK_EQ(cookie_recv(&v1, &nw[i]), -EBADMSG);
		SF_CHECK_EQ(cookie_recv(&d, &nw[i]), 0);
	}

	/* The last ms of the grace (in period T0 + 1). */
	sf_cookie_keys_update(&a, r + PERIOD - 1);
	sf_cookie_keys_update(&d, r + PERIOD - 1);
	for (i = 0; i < RTE_DIM(old); i++) {
		SF_CHECK_EQ(cookie_recv(&a, &old[i]), 0);
		SF_CHECK_EQ(cookie_recv(&d, &old[i]), 0);
		SF_CHECK_EQ(cookie_recv(&a, &nw[i]), 0);
	}
	/* Its end: the old master is gone, its cookies too. */
	sf_cookie_keys_update(&a, r + PERIOD);
	sf_cookie_keys_update(&d, r + PERIOD);
	sf_cookie_keys_update(&v1, r + PERIOD);
	for (i = 0; i < RTE_DIM(old); i++) {
		SF_CHECK_EQ(cookie_recv(&v1, &old[i]), 0); /* key still live */
		SF_CHECK_EQ(cookie_recv(&a, &old[i]), -EBADMSG);
		SF_CHECK_EQ(cookie_recv(&d, &old[i]), -EBADMSG);
		SF_CHECK_EQ(cookie_recv(&a, &nw[i]), 0);
		SF_CHECK_EQ(cookie_recv(&d, &nw[i]), 0);
		cookie_send_rand(&a, &c, i & 1 ? AF_INET6 : AF_INET, i & 2);
		SF_CHECK_EQ(cookie_recv(&a, &c), 0);
		SF_CHECK_EQ(cookie_recv(&d, &c), 0);
	}

	/*
	 * A worker that updates only when sf_cookie_keys_update() says it
	 * is due (as sf_syncache_clock() does) ends the grace within
	 * SF_COOKIE_TICK_MS of its end, not at the next period boundary.
	 */
	{
		struct sf_cookie_secret cs2;
		struct sf_cookie_keys s;
		struct sent o;
		uint64_t now = at(T0, 500);
		const uint64_t end = at(T0, 1000) + 2 * PERIOD;

		secret_fixed(&cs2, 0x4040404040404040ULL, 4);
		sf_cookie_keys_init(&s, &cs2, now);
		cookie_send_rand(&s, &o, AF_INET, false);
		sf_cookie_secret_set(&cs2, &k3, now + 500);
		while (now < end && cookie_recv(&s, &o) == 0)
			now += sf_cookie_keys_update(&s, now);
		SF_CHECK(now >= at(T0, 1000) + PERIOD);
		SF_CHECK(now <= at(T0, 1000) + PERIOD + SF_COOKIE_TICK_MS);
	}

	/* Two rotations in a row: only the one before the last is kept. */
	sf_cookie_secret_set(&cs, &k3, r + PERIOD + 10);
	for (i = 0; i < RTE_DIM(nw); i++)
		SF_CHECK_EQ(cookie_recv(&a, &nw[i]), 0);   /* k2: previous */
	sf_cookie_secret_set(&cs, NULL, r + PERIOD + 20);   /* random */
	SF_CHECK(cs.cs_prev.k[0] == k3.k[0] && cs.cs_prev.k[1] == k3.k[1]);
	for (i = 0; i < RTE_DIM(nw); i++) {
		SF_CHECK_EQ(cookie_recv(&a, &nw[i]), -EBADMSG);
		cookie_send_rand(&a, &c, i & 1 ? AF_INET6 : AF_INET, i & 2);
		SF_CHECK_EQ(cookie_recv(&a, &c), 0);
		SF_CHECK_EQ(cookie_recv(&d, &c), 0);
	}
}

/* 7. The hex form of a master secret. */
static void
test_parse(void)
{
	struct sf_siphash_key key, key2;
	uint8_t raw[16];
	unsigned int i;

	memset(&key, 0, sizeof(key));
	SF_CHECK_EQ(sf_cookie_secret_parse("000102030405060708090a0b0c0d0e0f",
		&key), 0);
	SF_CHECK_EQ(key.k[0], 0x0706050403020100ULL);
	SF_CHECK_EQ(key.k[1], 0x0f0e0d0c0b0a0908ULL);
	/* SipHash's reference vector under the parsed key. */
	SF_CHECK_EQ(sf_siphash(&key, "", 0), 0x726fdb47dd0e0e31ULL);

	SF_CHECK_EQ(sf_cookie_secret_parse("0123456789ABCDEFfedcba9876543210",
		&key), 0);
	SF_CHECK_EQ(key.k[0], 0xefcdab8967452301ULL);
	SF_CHECK_EQ(key.k[1], 0x1032547698badcfeULL);
	SF_CHECK_EQ(sf_cookie_secret_parse("0123456789abcdefFEDCBA9876543210",
		&key2), 0);
	SF_CHECK_MEM(&key, &key2, sizeof(key));
	SF_CHECK_EQ(sf_cookie_secret_parse("ffffffffffffffffFFFFFFFFFFFFFFFF",
		&key), 0);
	SF_CHECK_EQ(key.k[0], UINT64_MAX);
	SF_CHECK_EQ(key.k[1], UINT64_MAX);

	/* The bytes in order, before they become words (sf_tcp.h). */
	SF_CHECK_EQ(sf_cookie_secret_from_hex(
		"000102030405060708090A0B0C0D0E0F", raw), 0);
	for (i = 0; i < 16; i++)
		SF_CHECK_EQ(raw[i], i);
	SF_CHECK_EQ(sf_cookie_secret_from_hex("0001", raw), -EINVAL);

	SF_CHECK_EQ(sf_cookie_secret_parse(NULL, &key), -EINVAL);
	SF_CHECK_EQ(sf_cookie_secret_parse("", &key), -EINVAL);
	SF_CHECK_EQ(sf_cookie_secret_parse("000102030405060708090a0b0c0d0e0",
		&key), -EINVAL);                                /* 31 */
	SF_CHECK_EQ(sf_cookie_secret_parse("000102030405060708090a0b0c0d0e0f0",
		&key), -EINVAL);                                /* 33 */
	SF_CHECK_EQ(sf_cookie_secret_parse("000102030405060708090a0b0c0d0e0g",
		&key), -EINVAL);
	SF_CHECK_EQ(sf_cookie_secret_parse("g00102030405060708090a0b0c0d0e0f",
		&key), -EINVAL);
	SF_CHECK_EQ(sf_cookie_secret_parse("0x0102030405060708090a0b0c0d0e0f",
		&key), -EINVAL);
	SF_CHECK_EQ(sf_cookie_secret_parse("00010203040506070809 a0b0c0d0e0f",
		&key), -EINVAL);
	SF_CHECK_EQ(sf_cookie_secret_parse("000102030405060708090a0b0c0d0e0-",
		&key), -EINVAL);
	SF_CHECK_EQ(sf_cookie_secret_parse("000102030405060708090a0b0c0d0e:f",
		&key), -EINVAL);
	SF_CHECK_EQ(sf_cookie_secret_parse("@00102030405060708090a0b0c0d0e0f",
		&key), -EINVAL);
	SF_CHECK_EQ(sf_cookie_secret_parse("`00102030405060708090a0b0c0d0e0f",
		&key), -EINVAL);
}

/* Square root by Newton's method (no libm in the test link). */
static double
sqrt_d(double x)
{
	double r = x > 1 ? x : 1;
	unsigned int i;

	if (x <= 0)
		return 0;
	for (i = 0; i < 100; i++)
		r = (r + x / r) / 2;
	return r;
}

#define FORGE_TRIES 1000000u

/*
 * FORGE_TRIES third ACKs from a blind attacker against ck (whose clock
 * is set): each for a fresh random flow (IPv4 and IPv6 in turn) and
 * client ISN, with a random ACK and TSecr. In the SKEW window the
 * attacker sets the T bit to the parity that has two live keys (t - 1
 * and t + 1), its best choice; elsewhere the ACK is random throughout.
 * Returns the number accepted; *mean and *var: the binomial expectation
 * and variance when each key tried matches with p = 2^-bits, bits the
 * MAC bits compared.
 */
static unsigned int
forge_run(struct sf_cookie_keys *ck, bool ts, double *mean, double *var)
{
	uint32_t mask = ts ? ck->ck_mask_ts : ck->ck_mask_nots;
	double q = 1.0 / (double)(1ull << __builtin_popcount(mask));
	struct sf_test_ck out;
	struct sf_flow_key k;
	unsigned int i, ok = 0;

	*mean = 0;
	*var = 0;
	for (i = 0; i < FORGE_TRIES; i++) {
		uint32_t iss = rnd32(), irs = rnd32(), tsecr = rnd32();
		unsigned int nkeys;
		double p;

		flow_rand(&k, i & 1 ? AF_INET6 : AF_INET);
		if (ck->ck_skew)
			iss = (iss & ~SF_CK_T_MASK) |
				((ck->ck_t + 1) & SF_CK_T_MASK);
		nkeys = (iss & SF_CK_T_MASK) != (ck->ck_t & SF_CK_T_MASK) &&
			ck->ck_skew ? 2 : 1;
		p = nkeys == 2 ? 2 * q - q * q : q;
		*mean += p;
		*var += p * (1 - p);
		if (sf_test_ck_check(ck, &k, irs, iss, ts, tsecr, &out) == 0)
			ok++;
	}
	return ok;
}

/*
 * 8. The forgery rate. With the whole MAC (22 bits without timestamps,
 * 28 with) a million tries should all fail: the count must stay below
 * the smallest k with lambda^k / k! < 1e-9, a bound on P(X >= k) for
 * Poisson X of mean lambda. With only the top 8 MAC bits compared
 * (ck_mask_*) the count must be within 6 standard deviations of the
 * binomial expectation, which doubles in the SKEW window.
 */
static void
test_forgery(void)
{
	struct sf_cookie_secret cs;
	struct sf_cookie_keys ck;
	unsigned int l, s, narrow, ok, bits, bound;
	double mean, var, term;

	secret_fixed(&cs, 0x7777777777777777ULL, 0x8888888888888888ULL);
	for (narrow = 0; narrow < 2; narrow++)
	for (l = 0; l < 2; l++)
	for (s = 0; s < 2; s++) {
		bool ts = l == 1;

		sf_cookie_keys_init(&ck, &cs,
			at(T0, s ? PERIOD - SKEW / 2 : 30000));
		SF_CHECK_EQ(ck.ck_skew, s);
		SF_CHECK_EQ(ck.ck_mask_nots, ~((1u << SF_CK_LOW_NOTS) - 1));
		SF_CHECK_EQ(ck.ck_mask_ts, ~((1u << SF_CK_LOW_TS) - 1));
		if (narrow) {
			ck.ck_mask_nots = 0xff000000;
			ck.ck_mask_ts = 0xff000000;
		}
		bits = (unsigned int)__builtin_popcount(ts ? ck.ck_mask_ts :
			ck.ck_mask_nots);
		ok = forge_run(&ck, ts, &mean, &var);
		if (!narrow) {
			term = 1;
			for (bound = 0; term >= 1e-9; bound++)
				term *= mean / (bound + 1);
			/* P(X >= bound) < 1e-9 */
			printf("cookie forgery: %s %u-bit%s: %u of %u "
				"(expected %.4f, fail at >= %u)\n",
				ts ? "ts" : "nots", bits,
				s ? " skew" : "", ok, FORGE_TRIES, mean,
				bound);
			SF_CHECK(ok < bound);
		} else {
			double d = (double)ok - mean;

			printf("cookie forgery: %s %u-bit%s: %u of %u "
				"(expected %.1f, sd %.1f, %+.2f sd; rate "
				"%.3e, 2^-%u = %.3e)\n",
				ts ? "ts" : "nots", bits,
				s ? " skew" : "", ok, FORGE_TRIES, mean,
				sqrt_d(var), d / sqrt_d(var),
				(double)ok / FORGE_TRIES, bits,
				1.0 / (double)(1u << bits));
			SF_CHECK(d * d <= 36 * var);
		}
	}
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_roundtrip();
	test_spec();
	test_mss();
	test_update_due();
	test_expiry();
	test_skew();
	test_tamper();
	test_secret_random();
	test_secret_rotate();
	test_parse();
	test_forgery();
	return sf_test_done("test_cookie");
}
