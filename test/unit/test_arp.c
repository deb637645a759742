/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/* lib/net/sf_arp.c: the ARP responder, driven through the receive path. */

#include <rte_arp.h>

#include "sf_test.h"

#define FRAME_MAX 128

/*
 * The sender hardware address in the ARP body differs from the frame's
 * Ethernet source (sf_test_peer), so the tests tell apart which one each
 * reply field was taken from.
 */
static const struct rte_ether_addr req_sha = {{ 0x02, 0, 0, 0, 0, 0x22 }};
static const uint8_t peer_v4[4] = { 10, 10, 0, 2 };
static const uint8_t zero_v4[4];
static const struct rte_ether_addr bcast = {{ 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff }};

/*
 * An ARP packet from sip asking for tip, broadcast, with nb_vlan tags,
 * padded with pad bytes of 0xee; returns the frame length.
 */
static uint16_t
build_arp(uint8_t *f, unsigned int nb_vlan, uint16_t op, const uint8_t *sip,
		const uint8_t *tip, uint16_t pad)
{
	struct rte_arp_hdr *ah;
	uint16_t l2;

	memset(f, 0, FRAME_MAX);
	l2 = sf_test_put_eth(f, &bcast, nb_vlan, RTE_ETHER_TYPE_ARP);
	ah = (struct rte_arp_hdr *)(f + l2);
	ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = RTE_ETHER_ADDR_LEN;
	ah->arp_plen = 4;
	ah->arp_opcode = rte_cpu_to_be_16(op);
	ah->arp_data.arp_sha = req_sha;
	memcpy(&ah->arp_data.arp_sip, sip, 4);
	memcpy(&ah->arp_data.arp_tip, tip, 4);
	memset(f + l2 + sizeof(*ah), 0xee, pad);
	return l2 + sizeof(*ah) + pad;
}

/* Byte offsets in an untagged reply (RFC 826 layout). */
enum {
	OFF_ETH_DST = 0, OFF_ETH_SRC = 6, OFF_ETH_TYPE = 12,
	OFF_HTYPE = 14, OFF_OP = 20, OFF_SHA = 22, OFF_SPA = 28, OFF_THA = 32,
	OFF_TPA = 38,
	ARP_FRAME_LEN = 42,
};

/* Check a reply to a request from sip, with v tags (4 bytes each). */
static void
check_reply(const struct rte_mbuf *m, unsigned int v, const uint8_t *sip)
{
	const uint8_t *r = rte_pktmbuf_mtod(m, const uint8_t *);
	unsigned int t = 4 * v;
	static const uint8_t arp_fixed[6] = { 0, 1, 0x08, 0x00, 6, 4 };

	/* The requester's padding is gone; the NIC pads our reply. */
	SF_CHECK_EQ(rte_pktmbuf_pkt_len(m), ARP_FRAME_LEN + t);
	SF_CHECK_EQ(rte_pktmbuf_data_len(m), ARP_FRAME_LEN + t);
	SF_CHECK_EQ(m->nb_segs, 1);
	SF_CHECK_EQ(m->ol_flags, 0);
	/* Back to the frame's source, not to the ARP sender field. */
	SF_CHECK_MEM(r + OFF_ETH_DST, &sf_test_peer, 6);
	SF_CHECK_MEM(r + OFF_ETH_SRC, &sf_test_mac, 6);
	/* Tags kept as they came, so the reply leaves on the same VLAN. */
	if (v == 1) {
		SF_CHECK_EQ(r[12], 0x81);
		SF_CHECK_EQ(r[13], 0x00);
		SF_CHECK_EQ(r[14] << 8 | r[15], 100);
	} else if (v == 2) {
		SF_CHECK_EQ(r[12] << 8 | r[13], RTE_ETHER_TYPE_QINQ);
		SF_CHECK_EQ(r[14] << 8 | r[15], 100);
		SF_CHECK_EQ(r[16] << 8 | r[17], RTE_ETHER_TYPE_VLAN);
		SF_CHECK_EQ(r[18] << 8 | r[19], 200);
	}
	SF_CHECK_EQ(r[OFF_ETH_TYPE + t] << 8 | r[OFF_ETH_TYPE + t + 1],
		RTE_ETHER_TYPE_ARP);
	/* htype 1, ptype 0x0800, hlen 6, plen 4: unchanged. */
	SF_CHECK_MEM(r + OFF_HTYPE + t, arp_fixed, 6);
	SF_CHECK_EQ(r[OFF_OP + t], 0);
	SF_CHECK_EQ(r[OFF_OP + t + 1], 2);
	SF_CHECK_MEM(r + OFF_SHA + t, &sf_test_mac, 6);
	SF_CHECK_MEM(r + OFF_SPA + t, sf_test_v4, 4);
	SF_CHECK_MEM(r + OFF_THA + t, &req_sha, 6);
	SF_CHECK_MEM(r + OFF_TPA + t, sip, 4);
}

static void
test_reply(struct sf_engine *eng)
{
	uint8_t f[FRAME_MAX];
	struct rte_mbuf *m;
	unsigned int v;
	uint16_t len;

	/* Exactly 42 bytes, padded to 60, with one and two tags. */
	for (v = 0; v <= 2; v++) {
		len = build_arp(f, v, RTE_ARP_OP_REQUEST, peer_v4, sf_test_v4,
			0);
		SF_CHECK_EQ(len, ARP_FRAME_LEN + 4 * v);
		m = SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_TX,
			SF_CNT_arp_replies);
		if (m != NULL) {
			check_reply(m, v, peer_v4);
			rte_pktmbuf_free(m);
		}
		len = build_arp(f, v, RTE_ARP_OP_REQUEST, peer_v4, sf_test_v4,
			18);
		m = SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_TX,
			SF_CNT_arp_replies);
		if (m != NULL) {
			check_reply(m, v, peer_v4);
			rte_pktmbuf_free(m);
		}
	}

	/* Unicast to our MAC (a refresh) is answered the same way. */
	len = build_arp(f, 0, RTE_ARP_OP_REQUEST, peer_v4, sf_test_v4, 18);
	memcpy(f, &sf_test_mac, 6);
	m = SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_TX,
		SF_CNT_arp_replies);
	if (m != NULL) {
		check_reply(m, 0, peer_v4);
		rte_pktmbuf_free(m);
	}

	/* RFC 5227 probe: sender 0.0.0.0, answered with tpa 0.0.0.0. */
	len = build_arp(f, 0, RTE_ARP_OP_REQUEST, zero_v4, sf_test_v4, 18);
	m = SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_TX,
		SF_CNT_arp_replies);
	if (m != NULL) {
		check_reply(m, 0, zero_v4);
		rte_pktmbuf_free(m);
	}
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_arp_replies), 8);
}

static void
test_ignored(struct sf_engine *eng)
{
	uint8_t f[FRAME_MAX], other[4] = { 10, 10, 0, 99 };
	uint16_t len;

	/* Gratuitous: someone announcing our address. */
	len = build_arp(f, 0, RTE_ARP_OP_REQUEST, sf_test_v4, sf_test_v4, 18);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_arp_ignored);
	/* Replies, to us or to anyone: nothing is learnt from them. */
	len = build_arp(f, 0, RTE_ARP_OP_REPLY, peer_v4, sf_test_v4, 18);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_arp_ignored);
	len = build_arp(f, 1, RTE_ARP_OP_REPLY, peer_v4, other, 0);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_arp_ignored);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_arp_ignored), 3);
}

static void
test_drops(struct sf_engine *eng)
{
	static const uint8_t martians[][4] = {
		{ 127, 0, 0, 1 }, { 224, 0, 0, 1 }, { 255, 255, 255, 255 },
		{ 0, 1, 2, 3 }, { 240, 0, 0, 1 },
	};
	uint8_t f[FRAME_MAX], other[4] = { 10, 10, 0, 99 };
	struct rte_arp_hdr *ah = (struct rte_arp_hdr *)(f + 14);
	uint16_t len;
	unsigned int i;

	/* Another address, in our subnet or not. */
	len = build_arp(f, 0, RTE_ARP_OP_REQUEST, peer_v4, other, 18);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_arp_not_for_us);
	other[0] = 192;
	len = build_arp(f, 0, RTE_ARP_OP_REQUEST, peer_v4, other, 18);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_arp_not_for_us);
	/* Gratuitous for another address is not ours to judge either. */
	len = build_arp(f, 0, RTE_ARP_OP_REQUEST, other, other, 18);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_arp_not_for_us);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_drop_arp_not_for_us), 3);

	for (i = 0; i < RTE_DIM(martians); i++) {
		len = build_arp(f, 0, RTE_ARP_OP_REQUEST, martians[i],
			sf_test_v4, 18);
		SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
			SF_CNT_drop_arp_martian);
	}
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_drop_arp_martian),
		RTE_DIM(martians));

	/* Each fixed field wrong in turn. */
	for (i = 0; i < 6; i++) {
		len = build_arp(f, 0, RTE_ARP_OP_REQUEST, peer_v4, sf_test_v4,
			18);
		switch (i) {
		case 0:
			ah->arp_hardware = rte_cpu_to_be_16(6); /* IEEE 802 */
			break;
		case 1:
			ah->arp_protocol = rte_cpu_to_be_16(
				RTE_ETHER_TYPE_IPV6);
			break;
		case 2:
			ah->arp_hlen = 8;
			break;
		case 3:
			ah->arp_plen = 16;
			break;
		case 4:
			ah->arp_opcode = rte_cpu_to_be_16(3); /* RARP */
			break;
		case 5:
			ah->arp_opcode = 0;
			break;
		}
		SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
			SF_CNT_drop_arp_bad_format);
	}
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_drop_arp_bad_format), 6);

	/* One byte short of the 28-byte ARP packet, untagged and tagged. */
	len = build_arp(f, 0, RTE_ARP_OP_REQUEST, peer_v4, sf_test_v4, 0);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len - 1), SF_VERDICT_DROP,
		SF_CNT_drop_arp_truncated);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, 14), SF_VERDICT_DROP,
		SF_CNT_drop_arp_truncated);
	len = build_arp(f, 2, RTE_ARP_OP_REQUEST, peer_v4, sf_test_v4, 0);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len - 1), SF_VERDICT_DROP,
		SF_CNT_drop_arp_truncated);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_drop_arp_truncated), 3);

	/* Unicast to another MAC never reaches the responder. */
	len = build_arp(f, 0, RTE_ARP_OP_REQUEST, peer_v4, sf_test_v4, 18);
	memcpy(f, &req_sha, 6);
	SF_CHECK_INPUT(eng, sf_test_mbuf(f, len), SF_VERDICT_DROP,
		SF_CNT_drop_l2_not_for_us);
}

int
main(int argc, char **argv)
{
	struct sf_engine *eng;

	sf_test_init(argc, argv);
	eng = sf_test_engine(false);
	test_reply(eng);
	test_ignored(eng);
	test_drops(eng);
	sf_engine_free(eng);
	return sf_test_done("test_arp");
}
