/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The receive path of one frame: L2, then L3 with the address checks
 * Linux does in ip_rcv()/ipv6_rcv() and route input (martian and own
 * sources, destinations that are not ours, unicast datagrams in L2
 * broadcast or multicast frames, IPv4 options), then the L4 handler.
 * Every early return names its counter.
 */

#include <netinet/in.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "sf_engine_pvt.h"

/*
 * A TCP segment for one of our addresses, IPv4 or IPv6: header bounds
 * here, the rest in the TCP engine. Every segment that passes the bounds
 * ends in exactly one of tcp_replied, tcp_absorbed or a drop counter.
 */
static __rte_always_inline enum sf_verdict
sf_input_tcp(struct sf_wtcp *wt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p)
{
	enum sf_counter why;
	enum sf_verdict v;

	why = sf_pkt_parse_tcp(m, p);
	if (why != SF_PKT_OK)
		return sf_drop(&wt->wt_net, why);
	sf_count(&wt->wt_net, SF_CNT_tcp_segments);
	v = sf_tcp_input(wt, pt, m, p);
	if (v == SF_VERDICT_TX)
		sf_count(&wt->wt_net, SF_CNT_tcp_replied);
	else if (v != SF_VERDICT_DROP)
		sf_count(&wt->wt_net, SF_CNT_tcp_absorbed);
	return v;
}

/*
 * An ICMP or ICMPv6 error about a segment we sent: the net code read the
 * message, the TCP code acts on the flow it quotes (tcp_v4_err()); the
 * dispatch joins them, so neither calls the other.
 */
static enum sf_verdict
sf_input_icmp_err(struct sf_wtcp *wt, const struct rte_mbuf *m,
		const struct sf_pkt *p)
{
	struct sf_flow_key k;
	enum sf_counter why;
	uint32_t seq;

	why = sf_icmp_err_quote(m, p, &k, &seq);
	if (why != SF_PKT_OK)
		return sf_drop(&wt->wt_net, why);
	return sf_tcp_icmp_err(wt, &k, seq, p->err_hard, p->err_mtu);
}

static enum sf_verdict
sf_input_ip4(struct sf_wtcp *wt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p)
{
	const struct rte_ipv4_hdr *ip;
	enum sf_counter why;
	enum sf_verdict v;
	bool verify;

	/* Trust the NIC's verdict when it gave one; check ourselves if not. */
	verify = true;
	if (pt->pt_rx_ip4_cksum) {
		switch (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) {
		case RTE_MBUF_F_RX_IP_CKSUM_GOOD:
		/*
		 * NONE: "the IP checksum is not correct in the packet data,
		 * but the integrity of the IP header is verified"
		 * (rte_mbuf_core.h); checking it ourselves would drop it.
		 */
		case RTE_MBUF_F_RX_IP_CKSUM_NONE:
			verify = false;
			break;
		case RTE_MBUF_F_RX_IP_CKSUM_BAD:
			return sf_drop(&wt->wt_net, SF_CNT_drop_ip4_bad_csum);
		default:
			break;
		}
	}
	why = sf_pkt_parse_ip4(m, p, verify);
	if (why != SF_PKT_OK)
		return sf_drop(&wt->wt_net, why);
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, p->l2_len);
	if (sf_v4_is_martian_src(ip->src_addr) ||
	    sf_port_v4_is_bcast(pt, ip->src_addr))
		return sf_drop(&wt->wt_net, SF_CNT_drop_ip4_martian_src);
	if (sf_port_owns_v4(pt, ip->src_addr))
		return sf_drop(&wt->wt_net, SF_CNT_drop_ip4_land);
	if (!sf_port_owns_v4(pt, ip->dst_addr))
		return sf_drop(&wt->wt_net, SF_CNT_drop_ip4_not_for_us);
	/* Our addresses are unicast: it came to a group at L2. */
	if (p->l2_mcast)
		return sf_drop(&wt->wt_net, SF_CNT_drop_l2_mcast_unicast);
	if (p->l3_len > sizeof(*ip)) {
		uint16_t bad = 0;

		why = sf_pkt_ip4_options(m, p, &bad);
		if (why == SF_CNT_drop_ip4_bad_options)
			sf_icmp_err_send(&wt->wt_net, pt, m, p, SF_ICMP_PARAMETERPROB,
				0, (uint32_t)bad << 24);
		if (why != SF_PKT_OK)
			return sf_drop(&wt->wt_net, why);
	}

	switch (p->l4_proto) {
	case IPPROTO_ICMP:
		v = sf_icmp_input(&wt->wt_net, pt, m, p);
		return v == SF_VERDICT_ICMP_ERR ? sf_input_icmp_err(wt, m, p) :
			v;
	case IPPROTO_TCP:
		return sf_input_tcp(wt, pt, m, p);
	case IPPROTO_UDP:
		return sf_udp_input(&wt->wt_net, pt, m, p);
	default:
		/* RFC 1122 3.2.2.1: protocol unreachable. */
		sf_icmp_err_send(&wt->wt_net, pt, m, p, SF_ICMP_DEST_UNREACH,
			SF_ICMP_PROT_UNREACH, 0);
		return sf_drop(&wt->wt_net, SF_CNT_drop_l4_proto);
	}
}

static enum sf_verdict
sf_input_ip6(struct sf_wtcp *wt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p)
{
	const struct rte_ipv6_hdr *ip6;
	enum sf_counter why;
	enum sf_verdict v;

	why = sf_pkt_parse_ip6(m, p);
	if (why != SF_PKT_OK)
		return sf_drop(&wt->wt_net, why);
	ip6 = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
			p->l2_len);
	if (sf_v6_is_martian_src(ip6->src_addr))
		return sf_drop(&wt->wt_net, SF_CNT_drop_ip6_martian_src);
	if (sf_port_owns_v6(pt, ip6->src_addr))
		return sf_drop(&wt->wt_net, SF_CNT_drop_ip6_land);
	if (p->dst_mcast ? !sf_port_owns_v6_snm(pt, ip6->dst_addr) :
			   !sf_port_owns_v6(pt, ip6->dst_addr))
		return sf_drop(&wt->wt_net, SF_CNT_drop_ip6_not_for_us);
	if (p->l2_mcast && !p->dst_mcast)
		return sf_drop(&wt->wt_net, SF_CNT_drop_l2_mcast_unicast);

	switch (p->l4_proto) {
	case IPPROTO_ICMPV6:
		/* Checks the unspecified source, legal for DAD probes only. */
		v = sf_icmp6_input(&wt->wt_net, pt, m, p);
		return v == SF_VERDICT_ICMP_ERR ? sf_input_icmp_err(wt, m, p) :
			v;
	case IPPROTO_TCP:
		/* TCP is unicast only (RFC 1122 4.2.3.10). */
		if (p->dst_mcast)
			return sf_drop(&wt->wt_net, SF_CNT_drop_ip6_not_for_us);
		return sf_input_tcp(wt, pt, m, p);
	case IPPROTO_UDP:
		return sf_udp_input(&wt->wt_net, pt, m, p);
	default:
		/*
		 * RFC 4443 3.4 code 1, pointing at the byte that named the
		 * protocol.
		 */
		sf_icmp_err_send(&wt->wt_net, pt, m, p, SF_ICMP6_PARAMPROB,
			SF_ICMP6_UNK_NEXTHDR, p->nh_off);
		return sf_drop(&wt->wt_net, SF_CNT_drop_l4_proto);
	}
}

enum sf_verdict
sf_input_one(struct sf_worker *w, uint16_t port_id, struct rte_mbuf *m)
{
	struct sf_wtcp *wt = &w->wk_tcp;
	struct sf_net *nt = &wt->wt_net;
	const struct sf_port *pt = sf_net_port(nt, port_id);
	enum sf_counter why;
	struct sf_pkt p;

	/* Headers are parsed in place: they must sit in the first segment. */
	if (unlikely(m->nb_segs > 1) && rte_pktmbuf_linearize(m) != 0)
		return sf_drop(nt, SF_CNT_drop_nonlinear);
	why = sf_pkt_parse_l2(m, &pt->pt_mac, &p);
	if (why != SF_PKT_OK)
		return sf_drop(nt, why);

	switch (p.ethertype) {
	case RTE_ETHER_TYPE_IPV4:
		return sf_input_ip4(wt, pt, m, &p);
	case RTE_ETHER_TYPE_IPV6:
		return sf_input_ip6(wt, pt, m, &p);
	case RTE_ETHER_TYPE_ARP:
		return sf_arp_input(nt, pt, m, &p);
	default:
		return sf_drop(nt, SF_CNT_drop_ethertype);
	}
}
