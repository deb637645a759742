/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/net/sf_neigh.c: resolution, the state machine and its timers,
 * learning from ARP and ND through the receive path, the pending queue,
 * the announcements. Time moves with sf_worker_clock(); frames we send
 * go to the tx hook.
 */

#include <netinet/in.h>

#include <rte_arp.h>

#include "sf_test.h"

#define FRAME_MAX 128

static const struct rte_ether_addr bcast = {{ 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff }};
static const struct rte_ether_addr mac_a = {{ 0x02, 0, 0, 0, 0, 0xaa }};
static const struct rte_ether_addr mac_b = {{ 0x02, 0, 0, 0, 0, 0xbb }};
static const uint8_t v4_gw[4] = { 10, 10, 0, 254 };
static const uint8_t v4_gone[4] = { 10, 10, 0, 77 };
static const uint8_t v6_gw[16] = { 0xfd, 0x00, 0x00, 0x10, 0x00, 0x10,
	[13] = 0xab, 0xcd, 0xef };

static struct sf_worker *w0;
static struct sf_net *nt;
static uint32_t now = 100;

static void
tick(uint32_t ms)
{
	uint32_t end = now + ms;

	/* Every 10 ms, as the poll loop's ticks reach the scan. */
	while (now < end) {
		now = RTE_MIN(now + 10, end);
		sf_worker_clock(w0, now);
	}
}

/* A frame waiting for resolution: Ethernet + 46 bytes, marked by tag. */
static struct rte_mbuf *
frame(uint8_t tag)
{
	uint8_t f[60];

	memset(f, tag, sizeof(f));
	memset(f, 0, 6);
	memcpy(f + 6, &sf_test_mac, 6);
	return sf_test_mbuf(f, sizeof(f));
}

/* The entry for addr as telemetry sees it; state SF_NUD_MAX: none. */
static const struct sf_neigh_info *
entry(uint8_t family, const uint8_t *addr)
{
	static struct sf_neigh_info all[SF_NEIGH_SIZE];
	static const struct sf_neigh_info none = { .ni_state = SF_NUD_MAX };
	unsigned int i, n;

	n = sf_neigh_dump(nt->nt_neigh, all, SF_NEIGH_SIZE);
	for (i = 0; i < n; i++)
		if (all[i].ni_family == family &&
		    memcmp(all[i].ni_addr, addr, family == AF_INET ? 4 : 16)
		    == 0)
			return &all[i];
	return &none;
}

static uint64_t
cnt(struct sf_engine *eng, enum sf_counter c)
{
	return sf_test_counter(eng, c);
}

/* Check tx[i] is an ARP request from us for tip, to dst (NULL: bcast). */
static void
check_arp_req(unsigned int i, const uint8_t *sip, const uint8_t *tip,
		const struct rte_ether_addr *dst)
{
	const uint8_t *f;
	static const uint8_t zero[6];

	SF_CHECK(i < sf_test_tx_n);
	if (i >= sf_test_tx_n)
		return;
	SF_CHECK_EQ(rte_pktmbuf_data_len(sf_test_tx[i]), 42);
	f = rte_pktmbuf_mtod(sf_test_tx[i], const uint8_t *);
	SF_CHECK_MEM(f, dst != NULL ? dst : &bcast, 6);
	SF_CHECK_MEM(f + 6, &sf_test_mac, 6);
	SF_CHECK_EQ(f[12] << 8 | f[13], RTE_ETHER_TYPE_ARP);
	SF_CHECK_EQ(f[20] << 8 | f[21], RTE_ARP_OP_REQUEST);
	SF_CHECK_MEM(f + 22, &sf_test_mac, 6);
	SF_CHECK_MEM(f + 28, sip, 4);
	SF_CHECK_MEM(f + 32, zero, 6);
	SF_CHECK_MEM(f + 38, tip, 4);
}

/* An ARP packet to us from sip at sha; unicast to our MAC or broadcast. */
static struct rte_mbuf *
arp_in(uint16_t op, const uint8_t *sip, const struct rte_ether_addr *sha,
		const uint8_t *tip, bool unicast)
{
	uint8_t f[60];
	struct rte_arp_hdr *ah = (struct rte_arp_hdr *)(f + 14);

	memset(f, 0, sizeof(f));
	sf_test_put_eth(f, unicast ? &sf_test_mac : &bcast, 0,
		RTE_ETHER_TYPE_ARP);
	memcpy(f + 6, sha, 6);
	ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = 6;
	ah->arp_plen = 4;
	ah->arp_opcode = rte_cpu_to_be_16(op);
	ah->arp_data.arp_sha = *sha;
	memcpy(&ah->arp_data.arp_sip, sip, 4);
	if (op == RTE_ARP_OP_REPLY)
		ah->arp_data.arp_tha = sf_test_mac;
	memcpy(&ah->arp_data.arp_tip, tip, 4);
	return sf_test_mbuf(f, sizeof(f));
}

static void
test_v4_resolve(struct sf_engine *eng)
{
	struct rte_ether_addr mac;
	const struct sf_neigh_info *ni;
	const uint8_t *f;

	sf_test_tx_flush();
	SF_CHECK_EQ(sf_neigh_resolve(nt, SF_TEST_PORT, AF_INET, v4_gw,
		frame(1), &mac), SF_NEIGH_QUEUED);
	SF_CHECK_EQ(sf_neigh_resolve(nt, SF_TEST_PORT, AF_INET, v4_gw,
		frame(2), &mac), SF_NEIGH_QUEUED);
	/* One request for both frames, broadcast, from our 10.10.0.1. */
	SF_CHECK_EQ(sf_test_tx_n, 1);
	check_arp_req(0, sf_test_v4, v4_gw, NULL);
	ni = entry(AF_INET, v4_gw);
	SF_CHECK_EQ(ni->ni_state, SF_NUD_INCOMPLETE);
	SF_CHECK_EQ(ni->ni_nq, 2);
	SF_CHECK_EQ(cnt(eng, SF_CNT_neigh_queued), 2);

	/* The reply, unicast to us: both frames leave with its MAC. */
	SF_CHECK_INPUT(eng, arp_in(RTE_ARP_OP_REPLY, v4_gw, &mac_a,
		sf_test_v4, true), SF_VERDICT_DROP, SF_CNT_arp_ignored);
	SF_CHECK_EQ(sf_test_tx_n, 3);
	if (sf_test_tx_n == 3) {
		f = rte_pktmbuf_mtod(sf_test_tx[1], const uint8_t *);
		SF_CHECK_MEM(f, &mac_a, 6);
		SF_CHECK_EQ(f[20], 1);
		f = rte_pktmbuf_mtod(sf_test_tx[2], const uint8_t *);
		SF_CHECK_MEM(f, &mac_a, 6);
		SF_CHECK_EQ(f[20], 2);
	}
	ni = entry(AF_INET, v4_gw);
	SF_CHECK_EQ(ni->ni_state, SF_NUD_REACHABLE);
	SF_CHECK_EQ(ni->ni_nq, 0);
	SF_CHECK_EQ(cnt(eng, SF_CNT_neigh_queue_sent), 2);
	SF_CHECK_EQ(cnt(eng, SF_CNT_neigh_resolved), 1);

	/* Now resolved without a lock or a frame taken. */
	memset(&mac, 0, sizeof(mac));
	SF_CHECK_EQ(sf_neigh_resolve(nt, SF_TEST_PORT, AF_INET, v4_gw, NULL,
		&mac), SF_NEIGH_READY);
	SF_CHECK_MEM(&mac, &mac_a, 6);
	sf_test_tx_flush();

	/*
	 * Another MAC within locktime (1 s) of the last update is ignored
	 * (Linux's arp_process()); later it replaces the cached one.
	 */
	tick(500);
	SF_CHECK_INPUT(eng, arp_in(RTE_ARP_OP_REPLY, v4_gw, &mac_b,
		sf_test_v4, true), SF_VERDICT_DROP, SF_CNT_arp_ignored);
	SF_CHECK_MEM(&entry(AF_INET, v4_gw)->ni_mac, &mac_a, 6);
	SF_CHECK_EQ(cnt(eng, SF_CNT_neigh_override_refused), 1);
	tick(600);
	SF_CHECK_INPUT(eng, arp_in(RTE_ARP_OP_REPLY, v4_gw, &mac_b,
		sf_test_v4, true), SF_VERDICT_DROP, SF_CNT_arp_ignored);
	SF_CHECK_MEM(&entry(AF_INET, v4_gw)->ni_mac, &mac_b, 6);
	SF_CHECK_EQ(cnt(eng, SF_CNT_neigh_mac_changed), 1);

	/*
	 * REACHABLE for base_reachable_time randomized to 15..45 s, then
	 * STALE; the next use makes it DELAY (5 s), then PROBE: unicast
	 * requests to the cached MAC, ucast_solicit (3) of them 1 s apart,
	 * then FAILED.
	 */
	tick(14000);
	SF_CHECK_EQ(entry(AF_INET, v4_gw)->ni_state, SF_NUD_REACHABLE);
	tick(31100);
	SF_CHECK_EQ(entry(AF_INET, v4_gw)->ni_state, SF_NUD_STALE);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(sf_neigh_resolve(nt, SF_TEST_PORT, AF_INET, v4_gw, NULL,
		&mac), SF_NEIGH_READY);
	SF_CHECK_MEM(&mac, &mac_b, 6);
	SF_CHECK_EQ(entry(AF_INET, v4_gw)->ni_state, SF_NUD_DELAY);
	tick(4990);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	tick(20);
	SF_CHECK_EQ(entry(AF_INET, v4_gw)->ni_state, SF_NUD_PROBE);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	check_arp_req(0, sf_test_v4, v4_gw, &mac_b);
	/* Still usable while probed. */
	SF_CHECK_EQ(sf_neigh_resolve(nt, SF_TEST_PORT, AF_INET, v4_gw, NULL,
		&mac), SF_NEIGH_READY);
	tick(1000);
	tick(1000);
	SF_CHECK_EQ(sf_test_tx_n, 3);
	SF_CHECK_EQ(cnt(eng, SF_CNT_neigh_probes_ucast), 3);
	/* An answer while probing confirms it again. */
	SF_CHECK_INPUT(eng, arp_in(RTE_ARP_OP_REPLY, v4_gw, &mac_b,
		sf_test_v4, true), SF_VERDICT_DROP, SF_CNT_arp_ignored);
	SF_CHECK_EQ(entry(AF_INET, v4_gw)->ni_state, SF_NUD_REACHABLE);
	sf_test_tx_flush();
}

static void
test_v4_fail(struct sf_engine *eng)
{
	struct rte_ether_addr mac;
	uint64_t failed = cnt(eng, SF_CNT_neigh_failed);
	unsigned int i;

	sf_test_tx_flush();
	/* Four frames, room for three: the oldest goes. */
	for (i = 0; i < 4; i++)
		SF_CHECK_EQ(sf_neigh_resolve(nt, SF_TEST_PORT, AF_INET,
			v4_gone, frame((uint8_t)i), &mac), SF_NEIGH_QUEUED);
	SF_CHECK_EQ(cnt(eng, SF_CNT_neigh_queue_overflow), 1);
	SF_CHECK_EQ(entry(AF_INET, v4_gone)->ni_nq, SF_NEIGH_QLEN);
	/* mcast_solicit (3) requests, retrans_time (1 s) apart. */
	SF_CHECK_EQ(sf_test_tx_n, 1);
	tick(990);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	tick(10);
	SF_CHECK_EQ(sf_test_tx_n, 2);
	tick(1000);
	SF_CHECK_EQ(sf_test_tx_n, 3);
	for (i = 0; i < 3; i++)
		check_arp_req(i, sf_test_v4, v4_gone, NULL);
	SF_CHECK_EQ(entry(AF_INET, v4_gone)->ni_state, SF_NUD_INCOMPLETE);
	/* No answer 1 s after the third: FAILED, the frames dropped. */
	tick(1000);
	SF_CHECK_EQ(sf_test_tx_n, 3);
	SF_CHECK_EQ(entry(AF_INET, v4_gone)->ni_state, SF_NUD_FAILED);
	SF_CHECK_EQ(cnt(eng, SF_CNT_neigh_failed), failed + 1);
	SF_CHECK_EQ(cnt(eng, SF_CNT_neigh_queue_failed), 3);
	/* The next sender learns it at once, for retrans_time... */
	SF_CHECK_EQ(sf_neigh_resolve(nt, SF_TEST_PORT, AF_INET, v4_gone, NULL,
		&mac), SF_NEIGH_UNREACH);
	SF_CHECK_EQ(cnt(eng, SF_CNT_neigh_unreach), 1);
	/* ... then resolution starts over. */
	tick(1000);
	SF_CHECK_EQ(sf_neigh_resolve(nt, SF_TEST_PORT, AF_INET, v4_gone, NULL,
		&mac), SF_NEIGH_QUEUED);
	SF_CHECK_EQ(entry(AF_INET, v4_gone)->ni_state, SF_NUD_INCOMPLETE);
	SF_CHECK_EQ(sf_test_tx_n, 4);
	/* Unused FAILED entries go after gc_stale_time (60 s). */
	tick(3100);
	SF_CHECK_EQ(entry(AF_INET, v4_gone)->ni_state, SF_NUD_FAILED);
	tick(60000);
	SF_CHECK_EQ(entry(AF_INET, v4_gone)->ni_state, SF_NUD_MAX);
	sf_test_tx_flush();
}

static void
test_v4_learn(struct sf_engine *eng)
{
	static const uint8_t other[4] = { 10, 10, 0, 9 };
	static const uint8_t v4_c[4] = { 10, 10, 0, 33 };
	struct rte_ether_addr mac;
	struct rte_mbuf *m;

	sf_test_tx_flush();
	/* A request for us: its sender is learnt, STALE, and answered. */
	m = SF_CHECK_INPUT(eng, arp_in(RTE_ARP_OP_REQUEST, v4_c, &mac_a,
		sf_test_v4, false), SF_VERDICT_TX, SF_CNT_arp_replies);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(entry(AF_INET, v4_c)->ni_state, SF_NUD_STALE);
	SF_CHECK_MEM(&entry(AF_INET, v4_c)->ni_mac, &mac_a, 6);
	SF_CHECK_EQ(sf_neigh_resolve(nt, SF_TEST_PORT, AF_INET, v4_c, NULL,
		&mac), SF_NEIGH_READY);
	SF_CHECK_MEM(&mac, &mac_a, 6);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	/* A request for someone else or a reply creates nothing. */
	SF_CHECK_INPUT(eng, arp_in(RTE_ARP_OP_REQUEST, other, &mac_a,
		v4_gone, false), SF_VERDICT_DROP, SF_CNT_drop_arp_not_for_us);
	SF_CHECK_INPUT(eng, arp_in(RTE_ARP_OP_REPLY, other, &mac_a,
		sf_test_v4, true), SF_VERDICT_DROP, SF_CNT_arp_ignored);
	SF_CHECK_EQ(entry(AF_INET, other)->ni_state, SF_NUD_MAX);
	/* Someone announcing our address teaches nothing. */
	SF_CHECK_INPUT(eng, arp_in(RTE_ARP_OP_REQUEST, sf_test_v4, &mac_b,
		sf_test_v4, false), SF_VERDICT_DROP, SF_CNT_arp_ignored);
	SF_CHECK_EQ(entry(AF_INET, sf_test_v4)->ni_state, SF_NUD_MAX);
	/*
	 * It was used: DELAY, PROBE (3 unicast requests), FAILED, and 60 s
	 * after that (gc_stale_time) it is gone.
	 */
	tick(70000);
	SF_CHECK_EQ(sf_test_tx_n, 3);
	sf_test_tx_flush();
	SF_CHECK_EQ(entry(AF_INET, v4_c)->ni_state, SF_NUD_MAX);
}

/* An ND message from src to dst: type, flags, target, option (0: none). */
static struct rte_mbuf *
nd_in(uint8_t type, uint8_t flags, const uint8_t *src, const uint8_t *dst,
		const uint8_t *target, uint8_t opt,
		const struct rte_ether_addr *lla)
{
	uint8_t f[FRAME_MAX], *nd;
	struct rte_ipv6_hdr *ip6;
	uint16_t l2, len = 24 + (opt != 0 ? 8 : 0);

	memset(f, 0, sizeof(f));
	l2 = sf_test_put_eth(f, &sf_test_mac, 0, RTE_ETHER_TYPE_IPV6);
	memcpy(f + 6, lla != NULL ? lla : &mac_a, 6);
	sf_test_put_ip6(f + l2, src, dst, IPPROTO_ICMPV6, len, 255);
	ip6 = (struct rte_ipv6_hdr *)(f + l2);
	nd = f + l2 + sizeof(*ip6);
	nd[0] = type;
	nd[4] = flags;
	memcpy(nd + 8, target, 16);
	if (opt != 0) {
		nd[24] = opt;
		nd[25] = 1;
		memcpy(nd + 26, lla, 6);
	}
	sf_test_put_cksum(nd + 2, sf_test_ip6_sum(ip6, nd, len,
		IPPROTO_ICMPV6));
	return sf_test_mbuf(f, l2 + sizeof(*ip6) + len);
}

static void
check_ns(unsigned int i, const uint8_t *target,
		const struct rte_ether_addr *dst)
{
	static const uint8_t snm[13] = { 0xff, 0x02, [11] = 0x01, 0xff };
	const struct rte_ipv6_hdr *ip6;
	const uint8_t *f, *nd;

	SF_CHECK(i < sf_test_tx_n);
	if (i >= sf_test_tx_n)
		return;
	SF_CHECK_EQ(rte_pktmbuf_data_len(sf_test_tx[i]), 14 + 40 + 32);
	f = rte_pktmbuf_mtod(sf_test_tx[i], const uint8_t *);
	ip6 = (const struct rte_ipv6_hdr *)(f + 14);
	nd = f + 54;
	if (dst == NULL) {
		/* 33:33:ff + low 24 bits; ff02::1:ffXX:XXXX */
		SF_CHECK_EQ(f[0], 0x33);
		SF_CHECK_EQ(f[1], 0x33);
		SF_CHECK_EQ(f[2], 0xff);
		SF_CHECK_MEM(f + 3, target + 13, 3);
		SF_CHECK_MEM(ip6->dst_addr, snm, 13);
		SF_CHECK_MEM(ip6->dst_addr + 13, target + 13, 3);
	} else {
		SF_CHECK_MEM(f, dst, 6);
		SF_CHECK_MEM(ip6->dst_addr, target, 16);
	}
	SF_CHECK_MEM(f + 6, &sf_test_mac, 6);
	SF_CHECK_MEM(ip6->src_addr, sf_test_v6, 16);
	SF_CHECK_EQ(ip6->hop_limits, 255);
	SF_CHECK_EQ(nd[0], 135);
	SF_CHECK_MEM(nd + 8, target, 16);
	SF_CHECK_EQ(nd[24], 1);         /* source link-layer address */
	SF_CHECK_EQ(nd[25], 1);
	SF_CHECK_MEM(nd + 26, &sf_test_mac, 6);
	SF_CHECK_EQ(sf_test_ip6_sum(ip6, nd, 32, IPPROTO_ICMPV6), 0xffff);
}

static void
test_v6(struct sf_engine *eng)
{
	static const uint8_t v6_c[16] = { 0xfd, 0x00, 0x00, 0x10, 0x00, 0x10,
		[15] = 0x33 };
	struct rte_ether_addr mac;
	struct rte_mbuf *m;
	const uint8_t *f;

	sf_test_tx_flush();
	SF_CHECK_EQ(sf_neigh_resolve(nt, SF_TEST_PORT, AF_INET6, v6_gw,
		frame(9), &mac), SF_NEIGH_QUEUED);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	check_ns(0, v6_gw, NULL);
	/* An NA without a target link-layer address resolves nothing. */
	SF_CHECK_INPUT(eng, nd_in(136, 0x40, v6_gw, sf_test_v6, v6_gw, 0,
		NULL), SF_VERDICT_DROP, SF_CNT_nd_na_received);
	SF_CHECK_EQ(entry(AF_INET6, v6_gw)->ni_state, SF_NUD_INCOMPLETE);
	tick(1000);
	SF_CHECK_EQ(sf_test_tx_n, 2);
	check_ns(1, v6_gw, NULL);
	/* Solicited, with its TLLA: REACHABLE, the frame leaves. */
	SF_CHECK_INPUT(eng, nd_in(136, 0x60, v6_gw, sf_test_v6, v6_gw, 2,
		&mac_a), SF_VERDICT_DROP, SF_CNT_nd_na_received);
	SF_CHECK_EQ(entry(AF_INET6, v6_gw)->ni_state, SF_NUD_REACHABLE);
	SF_CHECK_EQ(sf_test_tx_n, 3);
	if (sf_test_tx_n == 3) {
		f = rte_pktmbuf_mtod(sf_test_tx[2], const uint8_t *);
		SF_CHECK_MEM(f, &mac_a, 6);
		SF_CHECK_EQ(f[20], 9);
	}
	/*
	 * RFC 4861 7.2.5: without O a different MAC is not taken, but a
	 * REACHABLE entry becomes STALE; with O it replaces the MAC.
	 */
	SF_CHECK_INPUT(eng, nd_in(136, 0x40, v6_gw, sf_test_v6, v6_gw, 2,
		&mac_b), SF_VERDICT_DROP, SF_CNT_nd_na_received);
	SF_CHECK_EQ(entry(AF_INET6, v6_gw)->ni_state, SF_NUD_STALE);
	SF_CHECK_MEM(&entry(AF_INET6, v6_gw)->ni_mac, &mac_a, 6);
	SF_CHECK_INPUT(eng, nd_in(136, 0x20, v6_gw, sf_test_v6, v6_gw, 2,
		&mac_b), SF_VERDICT_DROP, SF_CNT_nd_na_received);
	SF_CHECK_EQ(entry(AF_INET6, v6_gw)->ni_state, SF_NUD_STALE);
	SF_CHECK_MEM(&entry(AF_INET6, v6_gw)->ni_mac, &mac_b, 6);
	/* An NA for an address we never asked about creates nothing. */
	SF_CHECK_INPUT(eng, nd_in(136, 0x60, v6_c, sf_test_v6, v6_c, 2,
		&mac_b), SF_VERDICT_DROP, SF_CNT_nd_na_received);
	SF_CHECK_EQ(entry(AF_INET6, v6_c)->ni_state, SF_NUD_MAX);
	/* An NS with a SLLA for us: its source learnt STALE, answered. */
	m = SF_CHECK_INPUT(eng, nd_in(135, 0, v6_c, sf_test_v6, sf_test_v6,
		1, &mac_b), SF_VERDICT_TX, SF_CNT_nd_na_sent);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(entry(AF_INET6, v6_c)->ni_state, SF_NUD_STALE);
	SF_CHECK_MEM(&entry(AF_INET6, v6_c)->ni_mac, &mac_b, 6);
	/* Used while STALE: DELAY, then a unicast NS to the cached MAC. */
	sf_test_tx_flush();
	SF_CHECK_EQ(sf_neigh_resolve(nt, SF_TEST_PORT, AF_INET6, v6_c, NULL,
		&mac), SF_NEIGH_READY);
	tick(5010);
	SF_CHECK_EQ(entry(AF_INET6, v6_c)->ni_state, SF_NUD_PROBE);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	check_ns(0, v6_c, &mac_b);
	/* No answer: FAILED after ucast_solicit probes. */
	tick(3000);
	SF_CHECK_EQ(sf_test_tx_n, 3);
	SF_CHECK_EQ(entry(AF_INET6, v6_c)->ni_state, SF_NUD_FAILED);
	sf_test_tx_flush();
}

static void
test_announce(struct sf_engine *eng)
{
	const uint8_t *f, *nd;
	const struct rte_ipv6_hdr *ip6;

	sf_test_tx_flush();
	SF_CHECK_EQ(sf_engine_announce(eng, 5), -EINVAL);
	SF_CHECK_EQ(sf_engine_announce(eng, SF_TEST_PORT), 0);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	tick(10);
	SF_CHECK_EQ(sf_test_tx_n, 2);
	SF_CHECK_EQ(cnt(eng, SF_CNT_neigh_announce), 2);
	/* Gratuitous ARP: a broadcast request, sender = target = ours. */
	check_arp_req(0, sf_test_v4, sf_test_v4, NULL);
	/* Unsolicited NA to all-nodes: O set, S clear, our TLLA. */
	if (sf_test_tx_n == 2) {
		f = rte_pktmbuf_mtod(sf_test_tx[1], const uint8_t *);
		ip6 = (const struct rte_ipv6_hdr *)(f + 14);
		nd = f + 54;
		SF_CHECK_MEM(f, ((const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }),
			6);
		SF_CHECK_MEM(ip6->dst_addr, ((const uint8_t[16]){ 0xff, 0x02,
			[15] = 1 }), 16);
		SF_CHECK_MEM(ip6->src_addr, sf_test_v6, 16);
		SF_CHECK_EQ(ip6->hop_limits, 255);
		SF_CHECK_EQ(nd[0], 136);
		SF_CHECK_EQ(nd[4], 0x20);
		SF_CHECK_MEM(nd + 8, sf_test_v6, 16);
		SF_CHECK_EQ(nd[24], 2);
		SF_CHECK_MEM(nd + 26, &sf_test_mac, 6);
		SF_CHECK_EQ(sf_test_ip6_sum(ip6, nd, 32, IPPROTO_ICMPV6),
			0xffff);
	}
	/* Once. */
	tick(1000);
	SF_CHECK_EQ(sf_test_tx_n, 2);
	sf_test_tx_flush();
}

/* Frames waiting at the end go back to the pool with the engine. */
static void
test_drain(struct sf_engine *eng)
{
	struct rte_ether_addr mac;

	SF_CHECK_EQ(sf_neigh_resolve(nt, SF_TEST_PORT, AF_INET, v4_gone,
		frame(7), &mac), SF_NEIGH_QUEUED);
	sf_test_tx_flush();
	sf_engine_drain(eng);
	SF_CHECK_EQ(entry(AF_INET, v4_gone)->ni_nq, 0);
}

int
main(int argc, char **argv)
{
	struct sf_engine *eng;

	sf_test_init(argc, argv);
	eng = sf_test_engine(false);
	sf_engine_tx_hook(eng, sf_test_tx_hook);
	w0 = sf_engine_worker(eng, 0);
	nt = &w0->wk_tcp.wt_net;
	nt->nt_pool = sf_test_pool;   /* sf_test_engine() gives none */
	sf_worker_clock(w0, now);
	test_v4_resolve(eng);
	test_v4_fail(eng);
	test_v4_learn(eng);
	test_v6(eng);
	test_announce(eng);
	test_drain(eng);
	sf_test_tx_flush();
	sf_engine_free(eng);
	SF_CHECK_EQ(rte_mempool_in_use_count(sf_test_pool), 0);
	return sf_test_done("test_neigh");
}
