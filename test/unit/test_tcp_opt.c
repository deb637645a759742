/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/* lib/tcp/sf_tcp_opt.c: option parsing (tcp_parse_options rules), SYN-ACK layout. */

#include "sf_tcp_opt.h"
#include "sf_test.h"

/* A Linux SYN: <mss 1460, sackOK, TS val 0x01020304 ecr 0, nop, wscale 7>. */
static const uint8_t linux_syn[] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7,
};

static void
test_parse_linux_syn(void)
{
	struct sf_tcp_opts o;

	SF_CHECK(sf_tcp_opts_parse(linux_syn, sizeof(linux_syn), true, &o));
	SF_CHECK_EQ(o.to_flags, SF_TOF_MSS | SF_TOF_SACKPERM | SF_TOF_TS |
		SF_TOF_WSCALE);
	SF_CHECK_EQ(o.to_mss, 1460);
	SF_CHECK_EQ(o.to_wscale, 7);
	SF_CHECK_EQ(o.to_tsval, 0x01020304);
	SF_CHECK_EQ(o.to_tsecr, 0);

	/* On a non-SYN only the timestamp counts. */
	SF_CHECK(sf_tcp_opts_parse(linux_syn, sizeof(linux_syn), false, &o));
	SF_CHECK_EQ(o.to_flags, SF_TOF_TS);
	SF_CHECK_EQ(o.to_mss, 0);
}

static void
test_parse_edges(void)
{
	/* EOL ends the list: the MSS after it is not read. */
	static const uint8_t eol[] = { 1, 0, 2, 4, 0x05, 0xb4 };
	/* Unknown kind 30 skipped by its length, then MSS. */
	static const uint8_t unknown[] = { 30, 4, 0xaa, 0xbb, 2, 4, 0x02, 0x18 };
	/* MSS with the wrong length is skipped, the walk goes on. */
	static const uint8_t badmss[] = { 2, 3, 0x05, 4, 2 };
	/* Window scale 15 is used as 14 (RFC 7323 2.3). */
	static const uint8_t ws15[] = { 1, 3, 3, 15 };
	/* Length 0 / 1 / past the end / kind without length: walk stops. */
	static const uint8_t len0[] = { 4, 2, 5, 0, 2, 4, 0x05, 0xb4 };
	static const uint8_t len1[] = { 30, 1, 2, 4, 0x05, 0xb4 };
	static const uint8_t past[] = { 2, 4, 0x05, 0xb4, 8, 10, 1, 2 };
	static const uint8_t dangling[] = { 2, 4, 0x05, 0xb4, 30 };
	struct sf_tcp_opts o;

	SF_CHECK(sf_tcp_opts_parse(eol, sizeof(eol), true, &o));
	SF_CHECK_EQ(o.to_flags, 0);
	SF_CHECK(sf_tcp_opts_parse(unknown, sizeof(unknown), true, &o));
	SF_CHECK_EQ(o.to_flags, SF_TOF_MSS);
	SF_CHECK_EQ(o.to_mss, 536);
	SF_CHECK(sf_tcp_opts_parse(badmss, sizeof(badmss), true, &o));
	SF_CHECK_EQ(o.to_flags, SF_TOF_SACKPERM);
	SF_CHECK(sf_tcp_opts_parse(ws15, sizeof(ws15), true, &o));
	SF_CHECK_EQ(o.to_flags, SF_TOF_WSCALE);
	SF_CHECK_EQ(o.to_wscale, 14);

	SF_CHECK(!sf_tcp_opts_parse(len0, sizeof(len0), true, &o));
	SF_CHECK_EQ(o.to_flags, SF_TOF_SACKPERM); /* parsed before it stands */
	SF_CHECK(!sf_tcp_opts_parse(len1, sizeof(len1), true, &o));
	SF_CHECK_EQ(o.to_flags, 0);
	SF_CHECK(!sf_tcp_opts_parse(past, sizeof(past), true, &o));
	SF_CHECK_EQ(o.to_flags, SF_TOF_MSS);
	SF_CHECK(!sf_tcp_opts_parse(dangling, sizeof(dangling), true, &o));
	SF_CHECK_EQ(o.to_flags, SF_TOF_MSS);
	SF_CHECK(sf_tcp_opts_parse(NULL, 0, true, &o));
	SF_CHECK_EQ(o.to_flags, 0);
}

static void
test_build_layouts(void)
{
	static const uint8_t all[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10,
		0, 0, 0, 9, 1, 2, 3, 4, 1, 3, 3, 7 };
	static const uint8_t no_sack[] = { 2, 4, 0x05, 0xb4, 1, 1, 8, 10,
		0, 0, 0, 9, 1, 2, 3, 4, 1, 3, 3, 7 };
	static const uint8_t no_ts[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2,
		1, 3, 3, 7 };
	static const uint8_t mss_only[] = { 2, 4, 0x02, 0x18 };
	struct sf_tcp_opts o = {
		.to_flags = SF_TOF_MSS | SF_TOF_SACKPERM | SF_TOF_TS |
			SF_TOF_WSCALE,
		.to_mss = 1460, .to_wscale = 7, .to_tsval = 9,
		.to_tsecr = 0x01020304,
	};
	uint8_t buf[SF_TCP_SYNACK_OPT_MAX];

	SF_CHECK_EQ(sf_tcp_opts_build_synack(buf, &o), sizeof(all));
	SF_CHECK_MEM(buf, all, sizeof(all));
	o.to_flags &= ~SF_TOF_SACKPERM;
	SF_CHECK_EQ(sf_tcp_opts_build_synack(buf, &o), sizeof(no_sack));
	SF_CHECK_MEM(buf, no_sack, sizeof(no_sack));
	o.to_flags = SF_TOF_MSS | SF_TOF_SACKPERM | SF_TOF_WSCALE;
	SF_CHECK_EQ(sf_tcp_opts_build_synack(buf, &o), sizeof(no_ts));
	SF_CHECK_MEM(buf, no_ts, sizeof(no_ts));
	o.to_flags = SF_TOF_MSS;
	o.to_mss = 536;
	SF_CHECK_EQ(sf_tcp_opts_build_synack(buf, &o), sizeof(mss_only));
	SF_CHECK_MEM(buf, mss_only, sizeof(mss_only));
	o.to_flags = 0;
	SF_CHECK_EQ(sf_tcp_opts_build_synack(buf, &o), 0);
}

/* Every combination survives build -> parse unchanged. */
static void
test_round_trip(void)
{
	uint8_t buf[SF_TCP_SYNACK_OPT_MAX];
	static const uint8_t opt[] = {
		SF_TOF_MSS, SF_TOF_WSCALE, SF_TOF_SACKPERM, SF_TOF_TS,
	};
	struct sf_tcp_opts in, out;
	unsigned int set, flags, b, ws;
	uint16_t len;

	/* Every subset of the four options a SYN-ACK may carry. */
	for (set = 0; set < 1u << RTE_DIM(opt); set++) {
		for (flags = 0, b = 0; b < RTE_DIM(opt); b++)
			if (set & 1u << b)
				flags |= opt[b];
		for (ws = 0; ws <= SF_TCP_MAX_WSCALE; ws++) {
			memset(&in, 0, sizeof(in));
			in.to_flags = flags;
			if (flags & SF_TOF_MSS)
				in.to_mss = 1000 + ws;
			if (flags & SF_TOF_WSCALE)
				in.to_wscale = ws;
			if (flags & SF_TOF_TS) {
				in.to_tsval = 0xdeadbeef + ws;
				in.to_tsecr = 0x12345678;
			}
			len = sf_tcp_opts_build_synack(buf, &in);
			SF_CHECK_EQ(len % 4, 0);
			SF_CHECK(len <= SF_TCP_SYNACK_OPT_MAX);
			SF_CHECK(sf_tcp_opts_parse(buf, len, true, &out));
			SF_CHECK_MEM(&out, &in, sizeof(in));
		}
	}
}

/*
 * The fast match of Linux's layouts against the walk: each layout, every
 * byte of it changed to values that matter to a parser (option kinds,
 * lengths, a window scale above 14), every length around it, SYN or not.
 * Both must agree on the result and on every field.
 */
static void
test_fast_layouts(void)
{
	static const uint8_t linux_ack[] = {
		1, 1, 8, 10, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 9,
	};
	static const uint8_t vals[] = { 0, 1, 2, 3, 4, 8, 10, 12, 15, 0xff };
	const uint8_t *layouts[] = { linux_syn, linux_ack };
	const uint16_t lens[] = { sizeof(linux_syn), sizeof(linux_ack) };
	unsigned int l, i, v, n, syn, cases = 0, fast = 0;
	struct sf_tcp_opts a, b;
	uint8_t buf[24];
	bool ra, rb;

	for (l = 0; l < RTE_DIM(layouts); l++) {
		for (i = 0; i <= lens[l]; i++) {
			for (v = 0; v < RTE_DIM(vals); v++) {
				memset(buf, 0, sizeof(buf));
				memcpy(buf, layouts[l], lens[l]);
				if (i < lens[l])
					buf[i] = vals[v];
				for (n = lens[l] - 2u; n <= lens[l] + 2u; n++) {
					for (syn = 0; syn < 2; syn++) {
						memset(&a, 0xa5, sizeof(a));
						memset(&b, 0x5a, sizeof(b));
						ra = sf_tcp_opts_parse(buf, n,
							syn, &a);
						rb = sf_tcp_opts_walk(buf, n,
							syn, &b);
						SF_CHECK_EQ(ra, rb);
						SF_CHECK(memcmp(&a, &b,
							sizeof(a)) == 0);
						cases++;
						fast += n == lens[l] &&
							a.to_flags & SF_TOF_TS;
					}
				}
			}
		}
	}
	/*
	 * The inputs did include the unchanged layouts at their own lengths,
	 * the ones the fast match takes. Whether it is taken shows in the
	 * instruction counts of make bench, not here: here it must agree.
	 */
	SF_CHECK(cases > 1000);
	SF_CHECK(fast > 0);
	/* Linux's ACK layout: the timestamp only, on a SYN or not. */
	SF_CHECK(sf_tcp_opts_parse(linux_ack, sizeof(linux_ack), false, &a));
	SF_CHECK_EQ(a.to_flags, SF_TOF_TS);
	SF_CHECK_EQ(a.to_tsval, 0xdeadbeef);
	SF_CHECK_EQ(a.to_tsecr, 9);
	/* Window scale 15 in the SYN layout is used as 14. */
	memcpy(buf, linux_syn, sizeof(linux_syn));
	buf[19] = 15;
	SF_CHECK(sf_tcp_opts_parse(buf, sizeof(linux_syn), true, &a));
	SF_CHECK_EQ(a.to_wscale, 14);
}

/* The SACK option as the send side finds it (sf_tcp_opts_sack()). */
static void
test_sack_blocks(void)
{
	/* Linux's ACK with SACK: <nop, nop, TS, nop, nop, SACK 2 blocks>. */
	static const uint8_t two[] = {
		1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2,
		1, 1, 5, 18, 0, 0, 0x10, 0, 0, 0, 0x20, 0,
		0, 0, 0x30, 0, 0, 0, 0x40, 0,
	};
	/* A length that runs past the block: nothing. */
	static const uint8_t bad[] = { 1, 1, 5, 18, 0, 0, 0x10, 0 };
	/* A length that is no whole number of blocks: not SACK. */
	static const uint8_t odd[] = { 5, 6, 0, 0, 0, 1, 1, 1 };
	/* Five blocks: the first four count (RFC 2018 3 allows four). */
	uint8_t five[2 + 40];
	const uint8_t *blk = NULL;

	SF_CHECK_EQ(sf_tcp_opts_sack(two, sizeof(two), &blk), 2);
	SF_CHECK(blk == two + 16);
	SF_CHECK_EQ(sf_tcp_opts_sack(two, 12, &blk), 0);
	SF_CHECK_EQ(sf_tcp_opts_sack(bad, sizeof(bad), &blk), 0);
	SF_CHECK_EQ(sf_tcp_opts_sack(odd, sizeof(odd), &blk), 0);
	memset(five, 0, sizeof(five));
	five[0] = 5;
	five[1] = 42;
	SF_CHECK_EQ(sf_tcp_opts_sack(five, sizeof(five), &blk), 4);
	SF_CHECK(blk == five + 2);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_parse_linux_syn();
	test_parse_edges();
	test_fast_layouts();
	test_build_layouts();
	test_round_trip();
	test_sack_blocks();
	return sf_test_done("test_tcp_opt");
}
