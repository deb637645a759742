/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/net/sf_icmp.c, the ICMP echo responder, and the IPv4 half of the
 * dispatcher in lib/engine/sf_input.c that decides which frames reach it.
 */

#include <netinet/in.h>

#include <rte_icmp.h>
#include <rte_ip.h>

#include "sf_test.h"

#define FRAME_MAX 256

static const uint8_t peer_v4[4] = { 10, 10, 0, 2 };

/* What an echo request is made of. */
struct echo {
	unsigned int nb_vlan;
	const uint8_t *src;
	const uint8_t *dst;
	uint8_t optlen;       /* IPv4 options, a multiple of 4 */
	uint8_t proto;
	uint8_t type;
	uint16_t id, seq;
	uint16_t data_len;    /* bytes after the 8-byte ICMP header */
};

static const struct echo echo_default = {
	.src = peer_v4, .dst = sf_test_v4, .proto = IPPROTO_ICMP,
	.type = RTE_IP_ICMP_ECHO_REQUEST, .id = 0x4242, .seq = 7,
	.data_len = 56,
};

static uint8_t
data_byte(unsigned int i)
{
	return (uint8_t)(i * 7 + 3);
}

/* Build the frame; returns its length. */
static uint16_t
build_echo(uint8_t *f, const struct echo *e)
{
	struct rte_ipv4_hdr *ip;
	uint16_t l2, l4, i;
	uint8_t *ic;

	memset(f, 0, FRAME_MAX);
	l2 = sf_test_put_eth(f, &sf_test_mac, e->nb_vlan, RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(f + l2);
	l4 = 8 + e->data_len;
	sf_test_put_ip4(ip, e->src, e->dst, e->proto, l4);
	/* Not 64, so that the reply's TTL is seen to be set, not kept. */
	ip->time_to_live = 17;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (e->optlen != 0) {
		/* A timestamp option (type 68) with room, then NOPs. */
		uint8_t *o = (uint8_t *)(ip + 1);

		memset(o, 1, e->optlen);
		o[0] = 68;
		o[1] = 4;
		o[2] = 5;
		o[3] = 0;
		ip->version_ihl = 0x40 | (5 + e->optlen / 4);
		ip->total_length = rte_cpu_to_be_16(20 + e->optlen + l4);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	ic = f + l2 + 20 + e->optlen;
	ic[0] = e->type;
	ic[1] = 0;
	ic[4] = e->id >> 8;
	ic[5] = e->id & 0xff;
	ic[6] = e->seq >> 8;
	ic[7] = e->seq & 0xff;
	for (i = 0; i < e->data_len; i++)
		ic[8 + i] = data_byte(i);
	sf_test_put_cksum(ic + 2, sf_test_sum(ic, l4, 0));
	return l2 + 20 + e->optlen + l4;
}

/* Check a reply to request e; offload: the engine offloads IPv4 cksum. */
static void
check_reply(const struct rte_mbuf *m, const struct echo *e, bool offload)
{
	const uint8_t *r = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t l2 = 14 + 4 * e->nb_vlan, l4 = 8 + e->data_len;
	const struct rte_ipv4_hdr *ip = (const void *)(r + l2);
	const uint8_t *ic = r + l2 + 20;
	unsigned int i, bad = 0;

	SF_CHECK_EQ(rte_pktmbuf_pkt_len(m), l2 + 20 + l4);
	SF_CHECK_EQ(rte_pktmbuf_data_len(m), l2 + 20 + l4);
	SF_CHECK_MEM(r, &sf_test_peer, 6);
	SF_CHECK_MEM(r + 6, &sf_test_mac, 6);
	if (e->nb_vlan != 0)
		SF_CHECK_EQ(r[14] << 8 | r[15], 100);
	SF_CHECK_EQ(r[l2 - 2] << 8 | r[l2 - 1], RTE_ETHER_TYPE_IPV4);

	/* Options gone: IHL 5 and the total length without them. */
	SF_CHECK_EQ(ip->version_ihl, 0x45);
	SF_CHECK_EQ(rte_be_to_cpu_16(ip->total_length), 20 + l4);
	SF_CHECK_EQ(ip->time_to_live, 64);
	SF_CHECK_EQ(ip->next_proto_id, IPPROTO_ICMP);
	SF_CHECK_EQ(ip->fragment_offset, 0);
	SF_CHECK_EQ(rte_be_to_cpu_16(ip->packet_id), 0x1234);
	SF_CHECK_MEM(&ip->src_addr, e->dst, 4);
	SF_CHECK_MEM(&ip->dst_addr, e->src, 4);
	if (offload) {
		/* The NIC fills the checksum from l2_len and l3_len. */
		SF_CHECK_EQ(ip->hdr_checksum, 0);
		SF_CHECK_EQ(m->ol_flags,
			RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
		SF_CHECK_EQ(m->l2_len, l2);
		SF_CHECK_EQ(m->l3_len, 20);
	} else {
		SF_CHECK_EQ(sf_test_sum(ip, 20, 0), 0xffff);
		SF_CHECK_EQ(m->ol_flags, 0);
	}

	SF_CHECK_EQ(ic[0], RTE_IP_ICMP_ECHO_REPLY);
	SF_CHECK_EQ(ic[1], 0);
	SF_CHECK_EQ(sf_test_sum(ic, l4, 0), 0xffff);
	SF_CHECK_EQ(ic[4] << 8 | ic[5], e->id);
	SF_CHECK_EQ(ic[6] << 8 | ic[7], e->seq);
	for (i = 0; i < e->data_len; i++)
		bad += ic[8 + i] != data_byte(i);
	SF_CHECK_EQ(bad, 0);
}

/* Send request e to eng; expect a reply and check it. */
static void
echo_ok(struct sf_engine *eng, const struct echo *e, bool offload,
		uint16_t pad)
{
	uint8_t f[FRAME_MAX];
	struct rte_mbuf *m;
	uint16_t len;

	len = build_echo(f, e);
	m = SF_CHECK_INPUT(eng, sf_test_mbuf(f, len + pad), SF_VERDICT_TX,
		SF_CNT_icmp_echo_replies);
	if (m == NULL)
		return;
	check_reply(m, e, offload);
	rte_pktmbuf_free(m);
}

static void
test_echo(bool offload)
{
	struct sf_engine *eng = sf_test_engine(offload);
	struct echo e = echo_default;

	echo_ok(eng, &e, offload, 0);
	e.nb_vlan = 1;
	echo_ok(eng, &e, offload, 0);
	e.nb_vlan = 2;
	echo_ok(eng, &e, offload, 0);

	/* Odd length, and no data padded up to the Ethernet minimum. */
	e = echo_default;
	e.data_len = 33;
	echo_ok(eng, &e, offload, 0);
	e.data_len = 0;
	echo_ok(eng, &e, offload, 60 - 42);

	/*
	 * Identifier, sequence and data all zero: the reply message is all
	 * zeros but its checksum, which must then be 0xffff (RFC 1624 5).
	 */
	e.id = 0;
	e.seq = 0;
	echo_ok(eng, &e, offload, 60 - 42);
	/* A reply that sums to zero without being all zeros. */
	e.id = 0xffff;
	echo_ok(eng, &e, offload, 60 - 42);

	/* Options stripped, behind a tag and without. */
	e = echo_default;
	e.optlen = 8;
	echo_ok(eng, &e, offload, 0);
	e.optlen = 40;
	e.nb_vlan = 1;
	echo_ok(eng, &e, offload, 0);
	e.optlen = 4;
	e.data_len = 0;
	e.nb_vlan = 0;
	echo_ok(eng, &e, offload, 60 - 46);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_icmp_echo_replies), 10);
	sf_engine_free(eng);
}

static void
test_icmp_drops(void)
{
	struct sf_engine *eng = sf_test_engine(false);
	struct echo e = echo_default;
	uint8_t f[FRAME_MAX];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);
	uint16_t len;

	/* One bit of the data flipped. */
	len = build_echo(f, &e);
	f[len - 1] ^= 0x10;
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_icmp_bad_csum);
	/* A zero checksum is not "no checksum" in ICMP. */
	len = build_echo(f, &e);
	f[14 + 20 + 2] = 0;
	f[14 + 20 + 3] = 0;
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_icmp_bad_csum);

	/* Shorter than the 8-byte header: 4 bytes, and none at all. */
	e.data_len = 0;
	len = build_echo(f, &e);
	ip->total_length = rte_cpu_to_be_16(24);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_icmp_truncated);
	ip->total_length = rte_cpu_to_be_16(20);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, 60), SF_VERDICT_DROP,
		SF_CNT_drop_icmp_truncated);

	/* Valid messages of other types. */
	e = echo_default;
	e.type = 13;                    /* timestamp request */
	len = build_echo(f, &e);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_icmp_unhandled);
	e.type = RTE_IP_ICMP_ECHO_REPLY;
	len = build_echo(f, &e);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_icmp_unhandled);
	e.type = 4;                     /* source quench: ignored */
	len = build_echo(f, &e);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_icmp_unhandled);
	/*
	 * Destination unreachable is for TCP now: one quoting no IPv4
	 * header (the echo data) is malformed (test_icmp_err has the rest).
	 */
	e.type = 3;
	len = build_echo(f, &e);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_icmp_err_bad);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_icmp_echo_replies), 0);
	sf_engine_free(eng);
}

/* A TCP SYN from e's addresses; doff in 32-bit words. */
static uint16_t
build_tcp(uint8_t *f, const struct echo *e, uint8_t doff)
{
	uint16_t l2;

	memset(f, 0, FRAME_MAX);
	l2 = sf_test_put_eth(f, &sf_test_mac, 0, RTE_ETHER_TYPE_IPV4);
	l2 += sf_test_put_ip4(f + l2, e->src, e->dst, IPPROTO_TCP, 24);
	f[l2 + 1] = 99;
	f[l2 + 3] = 80;
	f[l2 + 12] = doff << 4;
	f[l2 + 13] = 0x02;
	f[l2 + 20] = 2;                 /* MSS 1460 */
	f[l2 + 21] = 4;
	f[l2 + 22] = 0x05;
	f[l2 + 23] = 0xb4;
	return l2 + 24;
}

static void
test_dispatch(void)
{
	static const uint8_t martians[][4] = {
		{ 127, 0, 0, 1 }, { 0, 0, 0, 0 }, { 224, 0, 0, 1 },
		{ 255, 255, 255, 255 }, { 240, 1, 2, 3 },
	};
	static const uint8_t not_ours[][4] = {
		{ 10, 10, 0, 255 }, { 255, 255, 255, 255 }, { 224, 0, 0, 1 },
		{ 10, 10, 0, 3 }, { 192, 0, 2, 1 },
	};
	struct sf_engine *eng = sf_test_engine(false);
	struct echo e = echo_default;
	uint8_t f[FRAME_MAX];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);
	unsigned int i;
	uint16_t len;

	for (i = 0; i < RTE_DIM(martians); i++) {
		e.src = martians[i];
		len = build_echo(f, &e);
		SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
			SF_CNT_drop_ip4_martian_src);
	}
	/* Land: our own address as the source. */
	e.src = sf_test_v4;
	len = build_echo(f, &e);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_ip4_land);
	e.src = peer_v4;
	for (i = 0; i < RTE_DIM(not_ours); i++) {
		e.dst = not_ours[i];
		len = build_echo(f, &e);
		SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
			SF_CNT_drop_ip4_not_for_us);
	}
	e.dst = sf_test_v4;

	/*
	 * UDP (the echo bytes make a UDP length beyond the payload), and a
	 * protocol number nobody uses: this engine has no mbuf pool, so its
	 * protocol unreachable cannot be built (test_icmp_err checks them).
	 */
	e.proto = IPPROTO_UDP;
	len = build_echo(f, &e);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_udp_truncated);
	e.proto = 253;
	len = build_echo(f, &e);
	SF_CHECK_INPUTV(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_l4_proto, SF_CNT_tx_nombuf);
	e.proto = IPPROTO_ICMP;

	/* TCP: bounds checked and counted; the zero checksum is wrong. */
	len = build_tcp(f, &e, 6);
	SF_CHECK_INPUTV(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_bad_csum,
		SF_CNT_in_csum_errors, SF_CNT_in_errs);
	len = build_tcp(f, &e, 4);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_tcp_bad_doff);
	len = build_tcp(f, &e, 7);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_tcp_bad_doff);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tcp_segments), 1);

	/* The IPv4 parser's verdicts reach the counters. */
	len = build_echo(f, &e);
	ip->hdr_checksum ^= 1;
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_ip4_bad_csum);
	len = build_echo(f, &e);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, 30), SF_VERDICT_DROP,
		SF_CNT_drop_ip4_truncated);
	len = build_echo(f, &e);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_ip4_fragment);
	/* Neither ARP, IPv4 nor IPv6. */
	len = build_echo(f, &e);
	f[12] = 0x88;
	f[13] = 0xcc;
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_ethertype);
	sf_engine_free(eng);
}

/* Frames from a port with IPv4 rx checksum offload enabled. */
static void
test_rx_offload(void)
{
	struct sf_port_conf pc = {
		.mac = sf_test_mac,
		.rx_offloads = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM,
	};
	struct sf_engine *eng = sf_test_engine_conf(&pc, 1);
	struct echo e = echo_default;
	uint8_t f[FRAME_MAX];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);
	struct rte_mbuf *m;
	uint16_t len;

	/* The NIC said bad: dropped although the checksum is right. */
	len = build_echo(f, &e);
	m = sf_test_mbuf(f, len);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_BAD;
	SF_CHECK_INPUT(eng, m, SF_VERDICT_DROP, SF_CNT_drop_ip4_bad_csum);

	/* The NIC said good: not checked again, a wrong one is answered. */
	ip->hdr_checksum ^= 0x5a;
	m = sf_test_mbuf(f, len);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	m = SF_CHECK_INPUT(eng, m, SF_VERDICT_TX, SF_CNT_icmp_echo_replies);
	if (m != NULL) {
		/* ... with a header checksum of our own. */
		check_reply(m, &e, false);
		rte_pktmbuf_free(m);
	}

	/*
	 * "Not correct in the packet data, but the integrity of the IP
	 * header is verified" (rte_mbuf_core.h): as good as GOOD.
	 */
	m = sf_test_mbuf(f, len);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_NONE;
	m = SF_CHECK_INPUT(eng, m, SF_VERDICT_TX, SF_CNT_icmp_echo_replies);
	rte_pktmbuf_free(m);

	/* No verdict from the NIC: checked in software. */
	m = sf_test_mbuf(f, len);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN;
	SF_CHECK_INPUT(eng, m, SF_VERDICT_DROP, SF_CNT_drop_ip4_bad_csum);
	len = build_echo(f, &e);
	m = sf_test_mbuf(f, len);
	m = SF_CHECK_INPUT(eng, m, SF_VERDICT_TX, SF_CNT_icmp_echo_replies);
	rte_pktmbuf_free(m);
	sf_engine_free(eng);

	/* Without the offload the flags mean nothing and are not read. */
	eng = sf_test_engine(false);
	len = build_echo(f, &e);
	m = sf_test_mbuf(f, len);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_BAD;
	m = SF_CHECK_INPUT(eng, m, SF_VERDICT_TX, SF_CNT_icmp_echo_replies);
	rte_pktmbuf_free(m);
	ip->hdr_checksum ^= 0x5a;
	m = sf_test_mbuf(f, len);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	SF_CHECK_INPUT(eng, m, SF_VERDICT_DROP, SF_CNT_drop_ip4_bad_csum);
	sf_engine_free(eng);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_echo(false);
	test_echo(true);
	test_icmp_drops();
	test_dispatch();
	test_rx_offload();
	return sf_test_done("test_icmp");
}
