/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/net/sf_icmp6.c, ICMPv6 echo and neighbour discovery, and the IPv6 half
 * of the dispatcher in lib/engine/sf_input.c.
 */

#include <arpa/inet.h>
#include <netinet/in.h>

#include <rte_ip.h>

#include "sf_test.h"

#define FRAME_MAX 256

enum {
	ICMP6_ECHO_REQUEST = 128, ICMP6_ECHO_REPLY = 129,
	ND_RS = 133, ND_NS = 135, ND_NA = 136, MLD2_REPORT = 143,
};

static const uint8_t peer_v6[16] = {
	0xfd, 0x00, 0x00, 0x10, 0x00, 0x10, [15] = 0x02
};
static const uint8_t unspec[16];
/* Solicited-node group of fd00:10:10::1, and its MAC (RFC 2464 7). */
static const uint8_t our_snm[16] = {
	0xff, 0x02, [11] = 0x01, 0xff, 0x00, 0x00, 0x01
};
static const struct rte_ether_addr our_snm_mac = {{ 0x33, 0x33, 0xff,
	0x00, 0x00, 0x01 }};
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
static const struct rte_ether_addr all_nodes_mac = {{ 0x33, 0x33, 0, 0, 0,
	0x01 }};
/* The solicitation's link-layer address option, not the frame source. */
static const struct rte_ether_addr slla_mac = {{ 0x02, 0, 0, 0, 0, 0x22 }};

/* A frame to build. */
struct frame {
	unsigned int nb_vlan;
	const struct rte_ether_addr *eth_dst;
	const uint8_t *src, *dst;
	uint8_t hop_limit;
	uint8_t proto;          /* after the extension header, if any */
	uint8_t ext;            /* IPPROTO_HOPOPTS/DSTOPTS: one of 8 bytes */
	uint8_t msg[128];       /* the upper-layer message */
	uint16_t msg_len;
	bool bad_cksum;
};

static uint8_t
data_byte(unsigned int i)
{
	return (uint8_t)(i * 5 + 1);
}

static void
frame_echo(struct frame *fr, uint16_t data_len)
{
	unsigned int i;

	memset(fr, 0, sizeof(*fr));
	fr->eth_dst = &sf_test_mac;
	fr->src = peer_v6;
	fr->dst = sf_test_v6;
	fr->hop_limit = 33;             /* the reply's 64 is not copied */
	fr->proto = IPPROTO_ICMPV6;
	fr->msg[0] = ICMP6_ECHO_REQUEST;
	fr->msg[4] = 0xbe;              /* identifier 0xbeef, sequence 3 */
	fr->msg[5] = 0xef;
	fr->msg[7] = 3;
	for (i = 0; i < data_len; i++)
		fr->msg[8 + i] = data_byte(i);
	fr->msg_len = 8 + data_len;
}

/* NS for target, from the peer to our solicited-node group, with SLLA. */
static void
frame_ns(struct frame *fr, const uint8_t *target, bool slla)
{
	memset(fr, 0, sizeof(*fr));
	fr->eth_dst = &our_snm_mac;
	fr->src = peer_v6;
	fr->dst = our_snm;
	fr->hop_limit = 255;
	fr->proto = IPPROTO_ICMPV6;
	fr->msg[0] = ND_NS;
	memset(fr->msg + 4, 0xa5, 4);   /* reserved: ignored, not echoed */
	memcpy(fr->msg + 8, target, 16);
	fr->msg_len = 24;
	if (slla) {
		fr->msg[24] = 1;
		fr->msg[25] = 1;
		memcpy(fr->msg + 26, &slla_mac, 6);
		fr->msg_len = 32;
	}
}

static uint16_t
build(uint8_t *f, const struct frame *fr)
{
	struct rte_ipv6_hdr *ip6;
	uint16_t l2, ext = fr->ext ? 8 : 0;
	uint8_t *ic;

	memset(f, 0, FRAME_MAX);
	l2 = sf_test_put_eth(f, fr->eth_dst, fr->nb_vlan,
		RTE_ETHER_TYPE_IPV6);
	ip6 = (struct rte_ipv6_hdr *)(f + l2);
	sf_test_put_ip6(ip6, fr->src, fr->dst, fr->ext ? fr->ext : fr->proto,
		ext + fr->msg_len, fr->hop_limit);
	if (ext) {
		f[l2 + 40] = fr->proto;
		f[l2 + 42] = 1;         /* PadN over 4 */
		f[l2 + 43] = 4;
	}
	ic = f + l2 + 40 + ext;
	memcpy(ic, fr->msg, fr->msg_len);
	if (fr->proto == IPPROTO_ICMPV6 && fr->msg_len >= 4) {
		ic[2] = 0;
		ic[3] = 0;
		sf_test_put_cksum(ic + 2, sf_test_ip6_sum(ip6, ic, fr->msg_len,
			IPPROTO_ICMPV6));
		if (fr->bad_cksum)
			ic[3] ^= 0x01;
	}
	return l2 + 40 + ext + fr->msg_len;
}

static struct rte_mbuf *
input(struct sf_engine *eng, const struct frame *fr, enum sf_verdict v,
		enum sf_counter c, int line)
{
	uint8_t f[FRAME_MAX];
	uint16_t len = build(f, fr);

	return sf_test_check_input(eng, sf_test_mbuf(f, len), v, c,
		SF_CNT_MAX, __FILE__, line);
}

#define DROPS(eng, fr, c) input((eng), (fr), SF_VERDICT_DROP, (c), __LINE__)
#define REPLY(eng, fr, c) input((eng), (fr), SF_VERDICT_TX, (c), __LINE__)

/*
 * The parts every reply shares: L2 back to the frame's source (eth_dst
 * unless NULL) with the tags kept, a bare IPv6 header (no extension
 * headers, traffic class and flow label cleared) of l4_len bytes.
 * Returns the ICMPv6 message.
 */
static const uint8_t *
check_ip6(const struct rte_mbuf *m, unsigned int nb_vlan,
		const struct rte_ether_addr *eth_dst, const uint8_t *src,
		const uint8_t *dst, uint8_t hop_limit, uint16_t l4_len)
{
	const uint8_t *r = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t l2 = 14 + 4 * nb_vlan;
	const struct rte_ipv6_hdr *ip6 = (const void *)(r + l2);

	SF_CHECK_EQ(rte_pktmbuf_pkt_len(m), l2 + 40 + l4_len);
	SF_CHECK_EQ(rte_pktmbuf_data_len(m), l2 + 40 + l4_len);
	SF_CHECK_EQ(m->ol_flags, 0);
	SF_CHECK_MEM(r, eth_dst != NULL ? eth_dst : &sf_test_peer, 6);
	SF_CHECK_MEM(r + 6, &sf_test_mac, 6);
	if (nb_vlan != 0)
		SF_CHECK_EQ(r[14] << 8 | r[15], 100);
	SF_CHECK_EQ(r[l2 - 2] << 8 | r[l2 - 1], RTE_ETHER_TYPE_IPV6);
	SF_CHECK_EQ(rte_be_to_cpu_32(ip6->vtc_flow), 6u << 28);
	SF_CHECK_EQ(rte_be_to_cpu_16(ip6->payload_len), l4_len);
	SF_CHECK_EQ(ip6->proto, IPPROTO_ICMPV6);
	SF_CHECK_EQ(ip6->hop_limits, hop_limit);
	SF_CHECK_MEM(ip6->src_addr, src, 16);
	SF_CHECK_MEM(ip6->dst_addr, dst, 16);
	SF_CHECK_EQ(sf_test_ip6_sum(ip6, ip6 + 1, l4_len, IPPROTO_ICMPV6),
		0xffff);
	return (const uint8_t *)(ip6 + 1);
}

static void
check_echo_reply(const struct rte_mbuf *m, const struct frame *fr)
{
	const uint8_t *ic;
	unsigned int i, bad = 0;

	ic = check_ip6(m, fr->nb_vlan, NULL, fr->dst, fr->src, 64,
		fr->msg_len);
	SF_CHECK_EQ(ic[0], ICMP6_ECHO_REPLY);
	SF_CHECK_EQ(ic[1], 0);
	SF_CHECK_EQ(ic[4] << 8 | ic[5], 0xbeef);
	SF_CHECK_EQ(ic[6] << 8 | ic[7], 3);
	for (i = 8; i < fr->msg_len; i++)
		bad += ic[i] != data_byte(i - 8);
	SF_CHECK_EQ(bad, 0);
}

static void
test_echo(struct sf_engine *eng)
{
	struct rte_mbuf *m;
	struct frame fr;

	frame_echo(&fr, 56);
	m = REPLY(eng, &fr, SF_CNT_icmp6_echo_replies);
	if (m != NULL)
		check_echo_reply(m, &fr);
	rte_pktmbuf_free(m);

	/* Tagged, odd length, no data. */
	frame_echo(&fr, 17);
	fr.nb_vlan = 2;
	m = REPLY(eng, &fr, SF_CNT_icmp6_echo_replies);
	if (m != NULL)
		check_echo_reply(m, &fr);
	rte_pktmbuf_free(m);
	frame_echo(&fr, 0);
	m = REPLY(eng, &fr, SF_CNT_icmp6_echo_replies);
	if (m != NULL)
		check_echo_reply(m, &fr);
	rte_pktmbuf_free(m);

	/* A destination options header is not sent back. */
	frame_echo(&fr, 40);
	fr.ext = IPPROTO_DSTOPTS;
	fr.nb_vlan = 1;
	m = REPLY(eng, &fr, SF_CNT_icmp6_echo_replies);
	if (m != NULL)
		check_echo_reply(m, &fr);
	rte_pktmbuf_free(m);
	frame_echo(&fr, 8);
	fr.ext = IPPROTO_HOPOPTS;
	m = REPLY(eng, &fr, SF_CNT_icmp6_echo_replies);
	if (m != NULL)
		check_echo_reply(m, &fr);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_icmp6_echo_replies), 5);

	/* Echo to our solicited-node group: not answered. */
	frame_echo(&fr, 8);
	fr.dst = our_snm;
	fr.eth_dst = &our_snm_mac;
	DROPS(eng, &fr, SF_CNT_drop_ip6_not_for_us);
	/* From the unspecified address: there is nobody to answer. */
	frame_echo(&fr, 8);
	fr.src = unspec;
	DROPS(eng, &fr, SF_CNT_drop_ip6_martian_src);
	frame_echo(&fr, 8);
	fr.bad_cksum = true;
	DROPS(eng, &fr, SF_CNT_drop_icmp6_bad_csum);
	/* The checksum covers the pseudo-header: another source breaks it. */
	{
		uint8_t f[FRAME_MAX];
		uint16_t len;

		frame_echo(&fr, 8);
		len = build(f, &fr);
		f[14 + 8 + 15] = 0x03;  /* source fd00:10:10::3 */
		SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
			SF_CNT_drop_icmp6_bad_csum);
	}
	/* Shorter than the echo header, and than any ICMPv6 header. */
	frame_echo(&fr, 0);
	fr.msg_len = 4;
	DROPS(eng, &fr, SF_CNT_drop_icmp6_truncated);
	fr.msg_len = 3;
	DROPS(eng, &fr, SF_CNT_drop_icmp6_truncated);
}

static void
test_dispatch(struct sf_engine *eng)
{
	static const char *const martians[] = { "::ffff:10.10.0.2", "::1",
		"ff02::1", "ff05::2" };
	static const char *const not_ours[] = { "fd00:10:10::2",
		"fd00:10:10::1:1", "ff02::1", "ff02::1:ff00:2" };
	uint8_t a[RTE_DIM(martians)][16], b[RTE_DIM(not_ours)][16];
	struct frame fr;
	unsigned int i;

	/* Land. */
	frame_echo(&fr, 8);
	fr.src = sf_test_v6;
	DROPS(eng, &fr, SF_CNT_drop_ip6_land);
	for (i = 0; i < RTE_DIM(martians); i++) {
		inet_pton(AF_INET6, martians[i], a[i]);
		frame_echo(&fr, 8);
		fr.src = a[i];
		DROPS(eng, &fr, SF_CNT_drop_ip6_martian_src);
	}
	for (i = 0; i < RTE_DIM(not_ours); i++) {
		inet_pton(AF_INET6, not_ours[i], b[i]);
		frame_echo(&fr, 8);
		fr.dst = b[i];
		DROPS(eng, &fr, SF_CNT_drop_ip6_not_for_us);
	}

	/* ICMPv6 types we do not answer, each with a valid checksum. */
	frame_echo(&fr, 8);
	fr.msg[0] = ND_RS;
	DROPS(eng, &fr, SF_CNT_drop_icmp6_unhandled);
	frame_ns(&fr, sf_test_v6, false);
	fr.msg[0] = ND_NA;
	fr.dst = sf_test_v6;
	/* To our unicast address in a multicast frame: RFC 1122 3.3.6. */
	DROPS(eng, &fr, SF_CNT_drop_l2_mcast_unicast);
	fr.eth_dst = &sf_test_mac;
	/*
	 * An NA is never answered; this one names our own address as its
	 * target (a duplicate). test_neigh learns from the others.
	 */
	DROPS(eng, &fr, SF_CNT_drop_na_ours);
	frame_echo(&fr, 20);
	fr.msg[0] = MLD2_REPORT;
	fr.ext = IPPROTO_HOPOPTS;
	fr.dst = our_snm;
	fr.hop_limit = 1;
	DROPS(eng, &fr, SF_CNT_drop_icmp6_unhandled);
	frame_echo(&fr, 8);
	fr.msg[0] = ICMP6_ECHO_REPLY;
	DROPS(eng, &fr, SF_CNT_drop_icmp6_unhandled);

	/* Other upper layers. */
	/*
	 * UDP (the echo bytes make a length beyond the payload) and a
	 * protocol nobody speaks; this engine has no mbuf pool, so the
	 * parameter problem about the latter cannot be built
	 * (test_icmp_err checks the errors themselves).
	 */
	frame_echo(&fr, 8);
	fr.proto = IPPROTO_UDP;
	DROPS(eng, &fr, SF_CNT_drop_udp_truncated);
	frame_echo(&fr, 8);
	fr.proto = 253;
	{
		uint8_t f[FRAME_MAX];
		uint16_t len = build(f, &fr);

		SF_CHECK_INPUTV(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
			SF_CNT_drop_l4_proto, SF_CNT_tx_nombuf);
	}
	frame_echo(&fr, 12);
	fr.proto = IPPROTO_TCP;
	fr.msg[12] = 5 << 4;
	{
		uint8_t f[FRAME_MAX];
		uint16_t len = build(f, &fr);

		SF_CHECK_INPUTV(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
			SF_CNT_tcp_segments, SF_CNT_drop_tcp_bad_csum,
			SF_CNT_in_csum_errors, SF_CNT_in_errs);
	}
	fr.msg[12] = 6 << 4;
	DROPS(eng, &fr, SF_CNT_drop_tcp_bad_doff);
	/* TCP to a multicast group (ours, even) is never for us. */
	fr.msg[12] = 5 << 4;
	fr.dst = our_snm;
	fr.eth_dst = &our_snm_mac;
	DROPS(eng, &fr, SF_CNT_drop_ip6_not_for_us);
	/* The IPv6 parser's verdicts reach the counters. */
	frame_echo(&fr, 8);
	fr.ext = IPPROTO_NONE;
	fr.proto = IPPROTO_ICMPV6;
	DROPS(eng, &fr, SF_CNT_drop_ip6_bad_exthdr);
}

static void
check_na(const struct rte_mbuf *m, const struct frame *fr, bool dad)
{
	const uint8_t *na;

	na = check_ip6(m, fr->nb_vlan, dad ? &all_nodes_mac : NULL,
		fr->msg + 8, dad ? all_nodes : fr->src, 255, 32);
	SF_CHECK_EQ(na[0], ND_NA);
	SF_CHECK_EQ(na[1], 0);
	/* S only in answer to a node that can receive unicast; O always. */
	SF_CHECK_EQ(na[4], dad ? 0x20 : 0x60);
	SF_CHECK_EQ(na[5], 0);
	SF_CHECK_EQ(na[6], 0);
	SF_CHECK_EQ(na[7], 0);
	SF_CHECK_MEM(na + 8, fr->msg + 8, 16);
	SF_CHECK_EQ(na[24], 2);         /* target link-layer address */
	SF_CHECK_EQ(na[25], 1);
	SF_CHECK_MEM(na + 26, &sf_test_mac, 6);
}

static void
test_ns(struct sf_engine *eng)
{
	struct rte_mbuf *m;
	struct frame fr;
	uint8_t f[FRAME_MAX];
	uint16_t len;

	/* Address resolution: to our solicited-node group, with SLLA. */
	frame_ns(&fr, sf_test_v6, true);
	m = REPLY(eng, &fr, SF_CNT_nd_na_sent);
	if (m != NULL)
		check_na(m, &fr, false);
	rte_pktmbuf_free(m);
	/* Unreachability detection: unicast, tagged. */
	frame_ns(&fr, sf_test_v6, true);
	fr.dst = sf_test_v6;
	fr.eth_dst = &sf_test_mac;
	fr.nb_vlan = 1;
	m = REPLY(eng, &fr, SF_CNT_nd_na_sent);
	if (m != NULL)
		check_na(m, &fr, false);
	rte_pktmbuf_free(m);
	/* No options: the 24-byte NS grows into a 32-byte NA. */
	frame_ns(&fr, sf_test_v6, false);
	m = REPLY(eng, &fr, SF_CNT_nd_na_sent);
	if (m != NULL)
		check_na(m, &fr, false);
	rte_pktmbuf_free(m);
	/* Behind a hop-by-hop header, which the NA does not carry. */
	frame_ns(&fr, sf_test_v6, true);
	fr.ext = IPPROTO_HOPOPTS;
	m = REPLY(eng, &fr, SF_CNT_nd_na_sent);
	if (m != NULL)
		check_na(m, &fr, false);
	rte_pktmbuf_free(m);
	/* Options other than SLLA (a nonce, RFC 3971) are skipped. */
	frame_ns(&fr, sf_test_v6, true);
	fr.msg[32] = 14;
	fr.msg[33] = 1;
	fr.msg_len = 40;
	m = REPLY(eng, &fr, SF_CNT_nd_na_sent);
	if (m != NULL)
		check_na(m, &fr, false);
	rte_pktmbuf_free(m);

	/* DAD: from ::, to the solicited-node group, no SLLA. */
	frame_ns(&fr, sf_test_v6, false);
	fr.src = unspec;
	m = REPLY(eng, &fr, SF_CNT_nd_na_sent);
	if (m != NULL)
		check_na(m, &fr, true);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_nd_na_sent), 6);

	/* DAD breaking RFC 4861 7.1.1: with SLLA, or to a unicast address. */
	frame_ns(&fr, sf_test_v6, true);
	fr.src = unspec;
	DROPS(eng, &fr, SF_CNT_drop_nd_invalid);
	frame_ns(&fr, sf_test_v6, false);
	fr.src = unspec;
	fr.dst = sf_test_v6;
	fr.eth_dst = &sf_test_mac;
	DROPS(eng, &fr, SF_CNT_drop_nd_invalid);

	/* Hop limit other than 255: routed, so not from a neighbour. */
	frame_ns(&fr, sf_test_v6, true);
	fr.hop_limit = 64;
	DROPS(eng, &fr, SF_CNT_drop_nd_bad_hop_limit);
	fr.hop_limit = 254;
	DROPS(eng, &fr, SF_CNT_drop_nd_bad_hop_limit);

	/* Code != 0. */
	frame_ns(&fr, sf_test_v6, true);
	fr.msg[1] = 1;
	DROPS(eng, &fr, SF_CNT_drop_nd_invalid);
	/* An option of length 0. */
	frame_ns(&fr, sf_test_v6, true);
	fr.msg[25] = 0;
	DROPS(eng, &fr, SF_CNT_drop_nd_invalid);
	/* An option longer than what is left, and a 4-byte tail. */
	frame_ns(&fr, sf_test_v6, true);
	fr.msg[25] = 2;
	DROPS(eng, &fr, SF_CNT_drop_nd_invalid);
	frame_ns(&fr, sf_test_v6, false);
	fr.msg_len = 28;
	DROPS(eng, &fr, SF_CNT_drop_nd_invalid);
	/* Shorter than an NS. */
	frame_ns(&fr, sf_test_v6, false);
	fr.msg_len = 20;
	DROPS(eng, &fr, SF_CNT_drop_nd_invalid);
	/* A multicast target, sent to one of our addresses. */
	frame_ns(&fr, our_snm, true);
	fr.dst = sf_test_v6;
	fr.eth_dst = &sf_test_mac;
	DROPS(eng, &fr, SF_CNT_drop_nd_invalid);

	/* A target we do not own, though its group matches ours. */
	{
		uint8_t other[16];

		inet_pton(AF_INET6, "fd00:99::1", other);
		frame_ns(&fr, other, true);
		DROPS(eng, &fr, SF_CNT_drop_nd_not_for_us);
		inet_pton(AF_INET6, "fd00:10:10::2", other);
		frame_ns(&fr, other, true);
		fr.dst = sf_test_v6;
		fr.eth_dst = &sf_test_mac;
		DROPS(eng, &fr, SF_CNT_drop_nd_not_for_us);
	}

	/* No room in the mbuf to grow the NS into an NA. */
	frame_ns(&fr, sf_test_v6, false);
	len = build(f, &fr);
	m = rte_pktmbuf_alloc(sf_test_pool);
	if (m == NULL) {
		SF_CHECK(m != NULL);
		return;
	}
	m->data_off = m->buf_len - len;
	memcpy(rte_pktmbuf_append(m, len), f, len);
	SF_CHECK_EQ(rte_pktmbuf_tailroom(m), 0);
	SF_CHECK_INPUT(eng, m, SF_VERDICT_DROP, SF_CNT_drop_reply_no_room);
}

int
main(int argc, char **argv)
{
	struct sf_engine *eng;

	sf_test_init(argc, argv);
	eng = sf_test_engine(false);
	test_echo(eng);
	test_dispatch(eng);
	test_ns(eng);
	sf_engine_free(eng);
	return sf_test_done("test_icmp6");
}
