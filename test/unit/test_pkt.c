/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/net/sf_pkt.c: the layer parsers, called directly. Every malformed frame
 * is built from a valid one with one field broken (checksums fixed up
 * where they would otherwise fail first), so each case reaches the check
 * it is named after and must return that check's counter.
 */

#include <netinet/in.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "sf_test.h"

#define FRAME_MAX 256

static const uint8_t peer_v4[4] = { 10, 10, 0, 2 };
static const uint8_t peer_v6[16] = {
	0xfd, 0x00, 0x00, 0x10, 0x00, 0x10, [15] = 0x02
};
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

/* Parsed layout and what the parser left of the frame. */
struct result {
	enum sf_counter l2;   /* sf_pkt_parse_l2() */
	enum sf_counter l3;   /* the L3 parser, or 0 when L2 failed */
	uint32_t pkt_len;     /* after parsing (padding trimmed) */
	uint32_t data_len;
	struct sf_pkt p;
};

enum l3_kind { L3_IP4, L3_IP4_NOCSUM, L3_IP6 };

static struct result
parse(const void *frame, uint16_t len, enum l3_kind kind)
{
	struct rte_mbuf *m = sf_test_mbuf(frame, len);
	struct result r;

	memset(&r, 0, sizeof(r));
	r.l2 = sf_pkt_parse_l2(m, &sf_test_mac, &r.p);
	if (r.l2 == SF_PKT_OK) {
		if (kind == L3_IP6)
			r.l3 = sf_pkt_parse_ip6(m, &r.p);
		else
			r.l3 = sf_pkt_parse_ip4(m, &r.p, kind == L3_IP4);
	}
	r.pkt_len = rte_pktmbuf_pkt_len(m);
	r.data_len = rte_pktmbuf_data_len(m);
	rte_pktmbuf_free(m);
	return r;
}

static enum sf_counter
parse_l2(const void *frame, uint16_t len, struct sf_pkt *p)
{
	struct rte_mbuf *m = sf_test_mbuf(frame, len);
	enum sf_counter c;

	memset(p, 0xaa, sizeof(*p));
	c = sf_pkt_parse_l2(m, &sf_test_mac, p);
	rte_pktmbuf_free(m);
	return c;
}

/*
 * Ethernet (nb_vlan tags) + IPv4 with optlen bytes of options (NOPs and
 * an EOL) + l4_len bytes of payload; returns the frame length.
 */
static uint16_t
build_ip4(uint8_t *f, unsigned int nb_vlan, uint8_t optlen, uint16_t l4_len)
{
	struct rte_ipv4_hdr *ip;
	uint16_t l2, i;

	memset(f, 0, FRAME_MAX);
	l2 = sf_test_put_eth(f, &sf_test_mac, nb_vlan, RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(f + l2);
	sf_test_put_ip4(ip, peer_v4, sf_test_v4, IPPROTO_ICMP, l4_len);
	if (optlen != 0) {
		memset(ip + 1, 1, optlen);      /* NOP */
		f[l2 + 20 + optlen - 1] = 0;    /* EOL */
	}
	for (i = 0; i < l4_len; i++)
		f[l2 + 20 + optlen + i] = (uint8_t)(0x40 + i);
	ip->version_ihl = 0x40 | ((20 + optlen) / 4);
	ip->total_length = rte_cpu_to_be_16(20 + optlen + l4_len);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return l2 + 20 + optlen + l4_len;
}

static void
fix_ip4(uint8_t *f, uint16_t l2)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + l2);

	ip->hdr_checksum = 0;
	sf_test_put_cksum(&ip->hdr_checksum,
		sf_test_sum(ip, (ip->version_ihl & 0xf) * 4, 0));
}

static void
test_l2(void)
{
	uint8_t f[FRAME_MAX];
	struct ether_case {
		const struct rte_ether_addr dst;
		enum sf_counter want;
	} dsts[] = {
		{ {{ 0x02, 0, 0, 0, 0, 0x01 }}, SF_PKT_OK },      /* ours */
		{ {{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }}, SF_PKT_OK },
		{ {{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }}, SF_PKT_OK },
		{ {{ 0x33, 0x33, 0xff, 0x00, 0x00, 0x01 }}, SF_PKT_OK },
		{ {{ 0x02, 0, 0, 0, 0, 0x03 }}, SF_CNT_drop_l2_not_for_us },
		{ {{ 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }},
		  SF_CNT_drop_l2_not_for_us },
	};
	struct sf_pkt p;
	uint16_t len;
	unsigned int i;

	/* No tag. */
	len = build_ip4(f, 0, 0, 8);
	SF_CHECK_EQ(parse_l2(f, len, &p), SF_PKT_OK);
	SF_CHECK_EQ(p.l2_len, 14);
	SF_CHECK_EQ(p.ethertype, RTE_ETHER_TYPE_IPV4);
	SF_CHECK_EQ(p.nb_vlan, 0);
	SF_CHECK_EQ(p.vlan_tci, 0);
	/* Exactly a header, nothing after it: still a valid L2 header. */
	SF_CHECK_EQ(parse_l2(f, 14, &p), SF_PKT_OK);
	SF_CHECK_EQ(parse_l2(f, 13, &p), SF_CNT_drop_eth_truncated);
	SF_CHECK_EQ(parse_l2(f, 0, &p), SF_CNT_drop_eth_truncated);

	/* One 802.1Q tag. */
	len = build_ip4(f, 1, 0, 8);
	SF_CHECK_EQ(parse_l2(f, len, &p), SF_PKT_OK);
	SF_CHECK_EQ(p.l2_len, 18);
	SF_CHECK_EQ(p.ethertype, RTE_ETHER_TYPE_IPV4);
	SF_CHECK_EQ(p.nb_vlan, 1);
	SF_CHECK_EQ(p.vlan_tci, 100);
	SF_CHECK_EQ(parse_l2(f, 17, &p), SF_CNT_drop_eth_truncated);
	SF_CHECK_EQ(parse_l2(f, 15, &p), SF_CNT_drop_eth_truncated);

	/* 802.1ad outer + 802.1Q inner: the outer TCI is reported. */
	len = build_ip4(f, 2, 0, 8);
	SF_CHECK_EQ(f[12], 0x88);
	SF_CHECK_EQ(f[13], 0xa8);
	SF_CHECK_EQ(parse_l2(f, len, &p), SF_PKT_OK);
	SF_CHECK_EQ(p.l2_len, 22);
	SF_CHECK_EQ(p.ethertype, RTE_ETHER_TYPE_IPV4);
	SF_CHECK_EQ(p.nb_vlan, 2);
	SF_CHECK_EQ(p.vlan_tci, 100);
	SF_CHECK_EQ(parse_l2(f, 21, &p), SF_CNT_drop_eth_truncated);
	SF_CHECK_EQ(parse_l2(f, 22, &p), SF_PKT_OK);

	/* Two 802.1Q tags (no 802.1ad) are looked through as well. */
	f[12] = 0x81;
	f[13] = 0x00;
	SF_CHECK_EQ(parse_l2(f, len, &p), SF_PKT_OK);
	SF_CHECK_EQ(p.nb_vlan, 2);

	/* A third tag is one more than SF_MAX_VLAN. */
	len = build_ip4(f, 3, 0, 8);
	SF_CHECK_EQ(parse_l2(f, len, &p), SF_CNT_drop_vlan_stack);
	/* ... even when the frame ends inside it: the stack is refused. */
	SF_CHECK_EQ(parse_l2(f, 22, &p), SF_CNT_drop_vlan_stack);

	/* Other ethertypes are not the L2 parser's business. */
	len = build_ip4(f, 0, 0, 8);
	f[12] = 0x88;
	f[13] = 0xcc;
	SF_CHECK_EQ(parse_l2(f, len, &p), SF_PKT_OK);
	SF_CHECK_EQ(p.ethertype, 0x88cc);

	for (i = 0; i < RTE_DIM(dsts); i++) {
		len = build_ip4(f, 0, 0, 8);
		memcpy(f, &dsts[i].dst, 6);
		if (parse_l2(f, len, &p) != dsts[i].want) {
			fprintf(stderr, "FAIL: dst %02x:..:%02x: expected %s\n",
				dsts[i].dst.addr_bytes[0],
				dsts[i].dst.addr_bytes[5],
				dsts[i].want == SF_PKT_OK ? "ok" :
				sf_counter_name(dsts[i].want));
			sf_test_failures++;
		}
	}
}

static void
test_ip4_valid(void)
{
	uint8_t f[FRAME_MAX];
	struct result r;
	uint16_t len;
	unsigned int v;

	for (v = 0; v <= 2; v++) {
		len = build_ip4(f, v, 0, 30);
		r = parse(f, len, L3_IP4);
		SF_CHECK_EQ(r.l2, SF_PKT_OK);
		SF_CHECK_EQ(r.l3, SF_PKT_OK);
		SF_CHECK_EQ(r.p.l2_len, 14 + 4 * v);
		SF_CHECK_EQ(r.p.l3_len, 20);
		SF_CHECK_EQ(r.p.l4_len, 30);
		SF_CHECK_EQ(r.p.l4_proto, IPPROTO_ICMP);
		SF_CHECK_EQ(r.p.dst_mcast, 0);
		SF_CHECK_EQ(r.pkt_len, len);
	}

	/* Options: 4, and the most there can be (40). */
	len = build_ip4(f, 0, 4, 12);
	r = parse(f, len, L3_IP4);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.p.l3_len, 24);
	SF_CHECK_EQ(r.p.l4_len, 12);
	len = build_ip4(f, 1, 40, 0);
	r = parse(f, len, L3_IP4);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.p.l3_len, 60);
	SF_CHECK_EQ(r.p.l4_len, 0);

	/* 42-byte frame padded to the Ethernet minimum of 60: trimmed. */
	len = build_ip4(f, 0, 0, 8);
	SF_CHECK_EQ(len, 42);
	r = parse(f, 60, L3_IP4);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.p.l4_len, 8);
	SF_CHECK_EQ(r.pkt_len, 42);
	SF_CHECK_EQ(r.data_len, 42);
	/* The same with a tag: 46 bytes of it are the datagram. */
	len = build_ip4(f, 1, 0, 8);
	r = parse(f, 64, L3_IP4);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.pkt_len, 46);

	/* DF alone is not a fragment (sf_test_put_ip4 sets it). */
	len = build_ip4(f, 0, 0, 8);
	SF_CHECK_EQ(f[20], 0x40);
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_PKT_OK);
}

static void
test_ip4_bad(void)
{
	struct rte_ipv4_hdr *ip;
	uint8_t f[FRAME_MAX];
	struct result r;
	uint16_t len;

	len = build_ip4(f, 0, 0, 8);
	ip = (struct rte_ipv4_hdr *)(f + 14);
	SF_CHECK_EQ(parse(f, 14 + 19, L3_IP4).l3, SF_CNT_drop_ip4_truncated);
	SF_CHECK_EQ(parse(f, 14, L3_IP4).l3, SF_CNT_drop_ip4_truncated);
	len = build_ip4(f, 2, 0, 8);
	SF_CHECK_EQ(parse(f, 22 + 19, L3_IP4).l3, SF_CNT_drop_ip4_truncated);

	/* Version 6 in an IPv4 ethertype; checksum fixed so only that fails. */
	len = build_ip4(f, 0, 0, 8);
	ip->version_ihl = 0x65;
	fix_ip4(f, 14);
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_CNT_drop_ip4_bad_version);
	ip->version_ihl = 0x05;
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_CNT_drop_ip4_bad_version);

	/* IHL below 5. */
	len = build_ip4(f, 0, 0, 8);
	ip->version_ihl = 0x44;
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_CNT_drop_ip4_bad_ihl);
	ip->version_ihl = 0x40;
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_CNT_drop_ip4_bad_ihl);
	/* IHL 15 (60 bytes) in a 28-byte datagram. */
	ip->version_ihl = 0x4f;
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_CNT_drop_ip4_bad_ihl);
	/* IHL 6 with the frame ending after 22 bytes of IPv4. */
	len = build_ip4(f, 0, 4, 0);
	SF_CHECK_EQ(parse(f, len - 2, L3_IP4).l3, SF_CNT_drop_ip4_bad_ihl);
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_PKT_OK);

	/* Total length below the header length, and beyond the frame. */
	len = build_ip4(f, 0, 4, 8);
	ip->total_length = rte_cpu_to_be_16(23);
	fix_ip4(f, 14);
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_CNT_drop_ip4_bad_len);
	ip->total_length = rte_cpu_to_be_16(24);
	fix_ip4(f, 14);
	r = parse(f, len, L3_IP4);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);   /* header only: l4_len 0 */
	SF_CHECK_EQ(r.p.l4_len, 0);
	SF_CHECK_EQ(r.pkt_len, 14 + 24);
	ip->total_length = rte_cpu_to_be_16(24 + 9);
	fix_ip4(f, 14);
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_CNT_drop_ip4_bad_len);
	ip->total_length = rte_cpu_to_be_16(0);
	fix_ip4(f, 14);
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_CNT_drop_ip4_bad_len);

	/* Header checksum: wrong, and not looked at when the NIC did it. */
	len = build_ip4(f, 0, 0, 8);
	ip->hdr_checksum ^= rte_cpu_to_be_16(0x0100);
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_CNT_drop_ip4_bad_csum);
	r = parse(f, len, L3_IP4_NOCSUM);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.p.l4_len, 8);
	/* An error in the options is covered by the checksum too. */
	len = build_ip4(f, 0, 8, 8);
	f[14 + 20] = 7;
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_CNT_drop_ip4_bad_csum);
	/* A flipped data byte is not: the L4 checksum's job. */
	len = build_ip4(f, 0, 0, 8);
	f[len - 1] ^= 0xff;
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_PKT_OK);

	/* Fragments: MF, an offset, both; with a valid checksum. */
	len = build_ip4(f, 0, 0, 8);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	fix_ip4(f, 14);
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_CNT_drop_ip4_fragment);
	ip->fragment_offset = rte_cpu_to_be_16(1);
	fix_ip4(f, 14);
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_CNT_drop_ip4_fragment);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG | 0x1000);
	fix_ip4(f, 14);
	SF_CHECK_EQ(parse(f, len, L3_IP4).l3, SF_CNT_drop_ip4_fragment);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | 185);
	fix_ip4(f, 14);
	SF_CHECK_EQ(parse(f, len, L3_IP4_NOCSUM).l3,
		SF_CNT_drop_ip4_fragment);
}

/* An 8-byte extension header at h: next header nh and options/fields. */
static uint16_t
put_ext(uint8_t *h, uint8_t nh, uint8_t b2, uint8_t b3, uint8_t b4)
{
	memset(h, 0, 8);
	h[0] = nh;
	h[1] = 0;
	h[2] = b2;
	h[3] = b3;
	h[4] = b4;
	return 8;
}

/* Hop-by-hop or destination options header: one PadN over 6 bytes. */
static uint16_t
put_opts(uint8_t *h, uint8_t nh)
{
	return put_ext(h, nh, 1, 4, 0);
}

/*
 * Ethernet + IPv6 to dst + the extension headers in ext (exlen bytes,
 * first next-header first_nh) + an ICMPv6 body of l4_len bytes; returns
 * the frame length.
 */
static uint16_t
build_ip6(uint8_t *f, unsigned int nb_vlan, const uint8_t *dst,
		uint8_t first_nh, const uint8_t *ext, uint16_t exlen,
		uint16_t l4_len)
{
	uint16_t l2, i;

	memset(f, 0, FRAME_MAX);
	l2 = sf_test_put_eth(f, &sf_test_mac, nb_vlan, RTE_ETHER_TYPE_IPV6);
	sf_test_put_ip6(f + l2, peer_v6, dst, first_nh, exlen + l4_len, 64);
	if (exlen != 0)
		memcpy(f + l2 + 40, ext, exlen);
	for (i = 0; i < l4_len; i++)
		f[l2 + 40 + exlen + i] = (uint8_t)(0x80 + i);
	return l2 + 40 + exlen + l4_len;
}

static void
test_ip6_valid(void)
{
	uint8_t f[FRAME_MAX], ext[128];
	struct result r;
	uint16_t len, n;
	unsigned int v, k;

	for (v = 0; v <= 2; v++) {
		len = build_ip6(f, v, sf_test_v6, IPPROTO_ICMPV6, NULL, 0, 24);
		r = parse(f, len, L3_IP6);
		SF_CHECK_EQ(r.l2, SF_PKT_OK);
		SF_CHECK_EQ(r.l3, SF_PKT_OK);
		SF_CHECK_EQ(r.p.l2_len, 14 + 4 * v);
		SF_CHECK_EQ(r.p.l3_len, 40);
		SF_CHECK_EQ(r.p.l4_len, 24);
		SF_CHECK_EQ(r.p.l4_proto, IPPROTO_ICMPV6);
		SF_CHECK_EQ(r.p.dst_mcast, 0);
		SF_CHECK_EQ(r.pkt_len, len);
	}
	len = build_ip6(f, 0, all_nodes, IPPROTO_ICMPV6, NULL, 0, 24);
	r = parse(f, len, L3_IP6);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.p.dst_mcast, 1);

	/* 58-byte frame padded to 60: trimmed to the payload length. */
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_ICMPV6, NULL, 0, 4);
	SF_CHECK_EQ(len, 58);
	r = parse(f, 60, L3_IP6);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.p.l4_len, 4);
	SF_CHECK_EQ(r.pkt_len, 58);
	SF_CHECK_EQ(r.data_len, 58);

	/* Hop-by-hop with PadN. */
	n = put_opts(ext, IPPROTO_ICMPV6);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_HOPOPTS, ext, n, 8);
	r = parse(f, len, L3_IP6);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.p.l3_len, 48);
	SF_CHECK_EQ(r.p.l4_len, 8);
	SF_CHECK_EQ(r.p.l4_proto, IPPROTO_ICMPV6);

	/* Hop-by-hop with Pad1s and a router alert (action 00: skip). */
	memset(ext, 0, 8);
	ext[0] = IPPROTO_TCP;
	ext[2] = 0x05;                  /* router alert, length 2 */
	ext[3] = 2;
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_HOPOPTS, ext, 8, 20);
	r = parse(f, len, L3_IP6);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.p.l4_proto, IPPROTO_TCP);
	SF_CHECK_EQ(r.p.l4_len, 20);

	/* Destination options, 16 bytes long (length field 1). */
	memset(ext, 0, 16);
	ext[0] = IPPROTO_ICMPV6;
	ext[1] = 1;
	ext[2] = 1;                     /* PadN over the remaining 12 */
	ext[3] = 12;
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_DSTOPTS, ext, 16, 8);
	r = parse(f, len, L3_IP6);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.p.l3_len, 56);
	SF_CHECK_EQ(r.p.l4_len, 8);

	/* Routing header (type 4) with no segments left. */
	put_ext(ext, IPPROTO_ICMPV6, 4, 0, 0);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_ROUTING, ext, 8, 8);
	r = parse(f, len, L3_IP6);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.p.l3_len, 48);

	/* Atomic fragment: offset 0, M clear (RFC 6946). */
	put_ext(ext, IPPROTO_ICMPV6, 0, 0, 0xab);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_FRAGMENT, ext, 8, 8);
	r = parse(f, len, L3_IP6);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.p.l3_len, 48);
	SF_CHECK_EQ(r.p.l4_proto, IPPROTO_ICMPV6);
	/* The two reserved bits are not the M flag. */
	put_ext(ext, IPPROTO_ICMPV6, 0, 0x06, 0);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_FRAGMENT, ext, 8, 8);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_PKT_OK);

	/* All of them in RFC 8200 4.1 order, behind two VLAN tags. */
	n = put_opts(ext, IPPROTO_DSTOPTS);
	n += put_opts(ext + n, IPPROTO_ROUTING);
	n += put_ext(ext + n, IPPROTO_FRAGMENT, 0, 0, 0);
	n += put_ext(ext + n, IPPROTO_DSTOPTS, 0, 0, 0);
	n += put_opts(ext + n, IPPROTO_TCP);
	len = build_ip6(f, 2, sf_test_v6, IPPROTO_HOPOPTS, ext, n, 20);
	r = parse(f, len, L3_IP6);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.p.l2_len, 22);
	SF_CHECK_EQ(r.p.l3_len, 40 + 40);
	SF_CHECK_EQ(r.p.l4_len, 20);
	SF_CHECK_EQ(r.p.l4_proto, IPPROTO_TCP);

	/* SF_MAX_IP6_EXT (8) headers are walked; the L4 header after them
	 * is still parsed. */
	n = put_opts(ext, IPPROTO_DSTOPTS);
	for (k = 1; k < SF_MAX_IP6_EXT; k++)
		n += put_opts(ext + n, k + 1 < SF_MAX_IP6_EXT ?
			IPPROTO_DSTOPTS : IPPROTO_ICMPV6);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_HOPOPTS, ext, n, 8);
	r = parse(f, len, L3_IP6);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.p.l3_len, 40 + 8 * SF_MAX_IP6_EXT);
	SF_CHECK_EQ(r.p.l4_proto, IPPROTO_ICMPV6);

	/* An unknown upper layer ends the walk: the dispatcher judges it. */
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_UDP, NULL, 0, 8);
	r = parse(f, len, L3_IP6);
	SF_CHECK_EQ(r.l3, SF_PKT_OK);
	SF_CHECK_EQ(r.p.l4_proto, IPPROTO_UDP);
}

static void
test_ip6_bad(void)
{
	/* Options a node must not skip: jumbo payload (0xc2), and one of
	 * each action 01, 10, 11 (RFC 8200 4.2). */
	static const uint8_t unskippable[] = { 0xc2, 0x42, 0x82, 0xc9 };
	uint8_t f[FRAME_MAX], ext[128];
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(f + 14);
	uint16_t len, n;
	unsigned int k;

	len = build_ip6(f, 0, sf_test_v6, IPPROTO_ICMPV6, NULL, 0, 8);
	SF_CHECK_EQ(parse(f, 14 + 39, L3_IP6).l3, SF_CNT_drop_ip6_truncated);
	SF_CHECK_EQ(parse(f, 14, L3_IP6).l3, SF_CNT_drop_ip6_truncated);

	ip6->vtc_flow = rte_cpu_to_be_32(4u << 28);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_version);
	ip6->vtc_flow = rte_cpu_to_be_32(7u << 28);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_version);

	/* Payload length 0 (jumbogram), and one byte beyond the frame. */
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_ICMPV6, NULL, 0, 8);
	ip6->payload_len = 0;
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_len);
	ip6->payload_len = rte_cpu_to_be_16(9);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_len);
	ip6->payload_len = rte_cpu_to_be_16(8);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_PKT_OK);

	/* Hop-by-hop anywhere but first. */
	n = put_opts(ext, IPPROTO_HOPOPTS);
	n += put_opts(ext + n, IPPROTO_ICMPV6);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_DSTOPTS, ext, n, 8);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_exthdr);

	/* ... in either options header. */
	for (k = 0; k < RTE_DIM(unskippable); k++) {
		put_ext(ext, IPPROTO_ICMPV6, unskippable[k], 4, 0);
		len = build_ip6(f, 0, sf_test_v6, IPPROTO_HOPOPTS, ext, 8, 8);
		SF_CHECK_EQ(parse(f, len, L3_IP6).l3,
			SF_CNT_drop_ip6_bad_exthdr);
		len = build_ip6(f, 0, sf_test_v6, IPPROTO_DSTOPTS, ext, 8, 8);
		SF_CHECK_EQ(parse(f, len, L3_IP6).l3,
			SF_CNT_drop_ip6_bad_exthdr);
	}
	/* An unknown option of action 00 is skipped. */
	put_ext(ext, IPPROTO_ICMPV6, 0x3e, 4, 0);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_DSTOPTS, ext, 8, 8);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_PKT_OK);
	/* An option whose length runs past its header. */
	put_ext(ext, IPPROTO_ICMPV6, 1, 5, 0);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_DSTOPTS, ext, 8, 8);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_exthdr);
	/* Option type in the last byte, its length byte missing. */
	put_ext(ext, IPPROTO_ICMPV6, 1, 3, 0);
	ext[7] = 1;
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_DSTOPTS, ext, 8, 8);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_exthdr);

	/* Extension header cut short by the payload length. */
	put_opts(ext, IPPROTO_ICMPV6);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_HOPOPTS, ext, 4, 0);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_exthdr);
	/* Header length field (2 -> 24 bytes) beyond the payload. */
	put_opts(ext, IPPROTO_ICMPV6);
	ext[1] = 2;
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_DSTOPTS, ext, 8, 8);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_exthdr);
	put_ext(ext, IPPROTO_ICMPV6, 4, 0, 0);
	ext[1] = 2;
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_ROUTING, ext, 8, 8);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_exthdr);
	put_ext(ext, IPPROTO_ICMPV6, 0, 0, 0);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_FRAGMENT, ext, 6, 0);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_exthdr);

	/* Routing header with segments left: we would have to forward it. */
	put_ext(ext, IPPROTO_ICMPV6, 4, 1, 0);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_ROUTING, ext, 8, 8);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_exthdr);

	/* Real fragments: first (M set), a later one, the last. */
	put_ext(ext, IPPROTO_ICMPV6, 0, 0x01, 0);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_FRAGMENT, ext, 8, 8);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_fragment);
	put_ext(ext, IPPROTO_ICMPV6, 0, 0x09, 0);   /* offset 1, M */
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_FRAGMENT, ext, 8, 8);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_fragment);
	put_ext(ext, IPPROTO_ICMPV6, 0x10, 0x00, 0); /* offset 512 */
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_FRAGMENT, ext, 8, 8);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_fragment);

	/* AH, ESP and no-next-header: nothing we could answer behind them. */
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_AH, NULL, 0, 24);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_exthdr);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_ESP, NULL, 0, 24);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_exthdr);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_NONE, NULL, 0, 24);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_exthdr);
	/* ... also after a skipped header. */
	n = put_opts(ext, IPPROTO_NONE);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_DSTOPTS, ext, n, 8);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_exthdr);

	/* One extension header more than SF_MAX_IP6_EXT. */
	n = put_opts(ext, IPPROTO_DSTOPTS);
	for (k = 1; k <= SF_MAX_IP6_EXT; k++)
		n += put_opts(ext + n, k < SF_MAX_IP6_EXT ?
			IPPROTO_DSTOPTS : IPPROTO_ICMPV6);
	len = build_ip6(f, 0, sf_test_v6, IPPROTO_HOPOPTS, ext, n, 8);
	SF_CHECK_EQ(parse(f, len, L3_IP6).l3, SF_CNT_drop_ip6_bad_exthdr);
}

/* sf_pkt_parse_tcp on an IPv4 (v6 false) or IPv6 frame. */
static enum sf_counter
parse_tcp(const uint8_t *tcp, uint16_t tcp_len, bool v6)
{
	uint8_t f[FRAME_MAX];
	struct rte_mbuf *m;
	enum sf_counter c;
	struct sf_pkt p;
	uint16_t l2;

	memset(f, 0, sizeof(f));
	l2 = sf_test_put_eth(f, &sf_test_mac, 0, v6 ? RTE_ETHER_TYPE_IPV6 :
			RTE_ETHER_TYPE_IPV4);
	if (v6)
		l2 += sf_test_put_ip6(f + l2, peer_v6, sf_test_v6,
				IPPROTO_TCP, tcp_len, 64);
	else
		l2 += sf_test_put_ip4(f + l2, peer_v4, sf_test_v4,
				IPPROTO_TCP, tcp_len);
	memcpy(f + l2, tcp, tcp_len);
	m = sf_test_mbuf(f, l2 + tcp_len);
	c = sf_pkt_parse_l2(m, &sf_test_mac, &p);
	if (c == SF_PKT_OK)
		c = v6 ? sf_pkt_parse_ip6(m, &p) : sf_pkt_parse_ip4(m, &p,
				true);
	if (c == SF_PKT_OK) {
		SF_CHECK_EQ(p.l4_proto, IPPROTO_TCP);
		SF_CHECK_EQ(p.l4_len, tcp_len);
		c = sf_pkt_parse_tcp(m, &p);
	}
	rte_pktmbuf_free(m);
	return c;
}

static void
test_tcp(void)
{
	/* SYN with MSS, SACK-permitted, timestamps, NOP, window scale. */
	static const uint8_t opts[20] = {
		2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0,
		1, 3, 3, 7,
	};
	uint8_t seg[80];
	unsigned int v6;

	for (v6 = 0; v6 <= 1; v6++) {
		memset(seg, 0, sizeof(seg));
		seg[0] = 0x30;                  /* source port 12345 */
		seg[1] = 0x39;
		seg[3] = 80;
		seg[13] = 0x02;                 /* SYN */
		seg[12] = 5 << 4;
		SF_CHECK_EQ(parse_tcp(seg, 20, v6), SF_PKT_OK);
		SF_CHECK_EQ(parse_tcp(seg, 19, v6), SF_CNT_drop_tcp_truncated);
		SF_CHECK_EQ(parse_tcp(seg, 1, v6), SF_CNT_drop_tcp_truncated);
		seg[12] = 4 << 4;
		SF_CHECK_EQ(parse_tcp(seg, 20, v6), SF_CNT_drop_tcp_bad_doff);
		seg[12] = 0;
		SF_CHECK_EQ(parse_tcp(seg, 20, v6), SF_CNT_drop_tcp_bad_doff);
		/* Data offset 6 in a 20-byte segment, 10 in a 36-byte one. */
		seg[12] = 6 << 4;
		SF_CHECK_EQ(parse_tcp(seg, 20, v6), SF_CNT_drop_tcp_bad_doff);
		seg[12] = 10 << 4;
		SF_CHECK_EQ(parse_tcp(seg, 36, v6), SF_CNT_drop_tcp_bad_doff);
		/* Valid with 20 bytes of options, with and without data. */
		memcpy(seg + 20, opts, sizeof(opts));
		SF_CHECK_EQ(parse_tcp(seg, 40, v6), SF_PKT_OK);
		SF_CHECK_EQ(parse_tcp(seg, 52, v6), SF_PKT_OK);
		/* Data offset 15: 60 bytes of header. */
		seg[12] = 15 << 4;
		SF_CHECK_EQ(parse_tcp(seg, 60, v6), SF_PKT_OK);
		SF_CHECK_EQ(parse_tcp(seg, 59, v6), SF_CNT_drop_tcp_bad_doff);
	}
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_l2();
	test_ip4_valid();
	test_ip4_bad();
	test_ip6_valid();
	test_ip6_bad();
	test_tcp();
	return sf_test_done("test_pkt");
}
