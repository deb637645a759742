/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * ICMPv6 responder: echo (RFC 4443 4.1) and neighbour discovery, the
 * answering half only (RFC 4861 7.2.3/7.2.4: solicitation in,
 * advertisement out). Errors about the segments we sent go to
 * sf_icmp_err.c. The advertisement goes back to the L2 source of the
 * solicitation; solicitations with a source link-layer address and
 * advertisements also feed the neighbour table (sf_neigh.c), which
 * only the frames synfront originates use.
 */

#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "sf_cksum.h"
#include "sf_neigh.h"
#include "sf_net.h"

#define SF_ICMP6_ECHO_REQUEST 128
#define SF_ICMP6_ECHO_REPLY   129
#define SF_ND_NS              135
#define SF_ND_NA              136
#define SF_ND_OPT_SLLA        1
#define SF_ND_OPT_TLLA        2

/*
 * Destination unreachable codes (RFC 4443 3.1) that end a request: the
 * counterparts of the IPv4 hard codes. No route (0) and address
 * unreachable (3) stand for net and host unreachable, which end a
 * request over IPv4; Linux's icmpv6_err_convert() calls them soft, and
 * time exceeded too, where synfront treats both families alike. Beyond
 * the scope of the source (2) is soft; codes above 6 are ignored.
 */
#define SF_ICMP6_UNREACH_MAX 6
#define SF_ICMP6_UNREACH_HARD \
	((1u << 0) | (1u << 1) | (1u << 3) | (1u << 4) | (1u << 5) | \
	 (1u << 6))

/* Hop limit of echo replies: Linux's default (net.ipv6.conf.*.hop_limit). */
#define SF_IP6_HOP_LIMIT 64
/* RFC 4861 7.1: ND messages are sent and accepted with hop limit 255 only. */
#define SF_ND_HOP_LIMIT 255

/* NA flags, first byte of the reserved word (RFC 4861 4.4). */
#define SF_NA_FLAG_ROUTER    0x80
#define SF_NA_FLAG_SOLICITED 0x40
#define SF_NA_FLAG_OVERRIDE  0x20

/* NS and NA: ICMPv6 header, a 32-bit word, the target (RFC 4861 4.3/4.4). */
struct sf_nd_msg {
	uint8_t nd_type;
	uint8_t nd_code;
	rte_be16_t nd_cksum;
	uint8_t nd_flags;       /* NA: R, S, O; NS: reserved */
	uint8_t nd_reserved[3];
	uint8_t nd_target[16];
} __rte_packed;

/* NA with one target link-layer address option: what we send. */
struct sf_nd_na_tlla {
	struct sf_nd_msg na_msg;
	uint8_t na_opt_type;    /* SF_ND_OPT_TLLA */
	uint8_t na_opt_len;     /* in units of 8 bytes: 1 */
	uint8_t na_mac[RTE_ETHER_ADDR_LEN];
} __rte_packed;

static const uint8_t sf_ip6_all_nodes[16] = {
	0xff, 0x02, [15] = 0x01
};

static bool
sf_ip6_is_unspecified(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/*
 * Make the IPv6 part of a reply: drop the request's extension headers
 * (moving the L2 and fixed IPv6 headers forward over them), then size the
 * ICMPv6 message to l4_len bytes. Returns the IPv6 header, or NULL when
 * the mbuf has no room to grow.
 */
static struct rte_ipv6_hdr *
sf_ip6_reply_layout(struct rte_mbuf *m, struct sf_pkt *p, uint16_t l4_len)
{
	uint16_t extlen = p->l3_len - sizeof(struct rte_ipv6_hdr);
	struct rte_ipv6_hdr *ip6;
	char *base;

	if (extlen != 0) {
		base = rte_pktmbuf_mtod(m, char *);
		memmove(base + extlen, base,
			p->l2_len + sizeof(struct rte_ipv6_hdr));
		rte_pktmbuf_adj(m, extlen);
		p->l3_len = sizeof(struct rte_ipv6_hdr);
	}
	if (l4_len > p->l4_len) {
		if (rte_pktmbuf_append(m, l4_len - p->l4_len) == NULL)
			return NULL;
	} else if (l4_len < p->l4_len) {
		rte_pktmbuf_trim(m, p->l4_len - l4_len);
	}
	p->l4_len = l4_len;
	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, p->l2_len);
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16(l4_len);
	ip6->proto = IPPROTO_ICMPV6;
	m->ol_flags &= RTE_MBUF_F_EXTERNAL;   /* RX flags off, the buffer kept */
	return ip6;
}

static enum sf_verdict
sf_icmp6_echo(struct sf_net *nt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p)
{
	struct rte_ipv6_hdr *ip6;
	uint8_t *ic, tmp[16];
	uint16_t old, new, cksum;

	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, p->l2_len);
	/*
	 * Linux answers echo to multicast groups (echo_ignore_multicast=0);
	 * a front end has no reason to, and the only groups that reach us
	 * are our solicited-node groups.
	 */
	if (p->dst_mcast)
		return sf_drop(nt, SF_CNT_drop_ip6_not_for_us);
	if (sf_ip6_is_unspecified(ip6->src_addr))
		return sf_drop(nt, SF_CNT_drop_ip6_martian_src);
	if (p->l4_len < 8)
		return sf_drop(nt, SF_CNT_drop_icmp6_truncated);

	ip6 = sf_ip6_reply_layout(m, p, p->l4_len);
	ic = rte_pktmbuf_mtod_offset(m, uint8_t *, p->l2_len + p->l3_len);
	/*
	 * Swapping the addresses leaves the pseudo-header sum unchanged, and
	 * the upper-layer length is the same: only the type word changes.
	 */
	memcpy(&old, ic, sizeof(old));
	ic[0] = SF_ICMP6_ECHO_REPLY;
	memcpy(&new, ic, sizeof(new));
	memcpy(&cksum, ic + 2, sizeof(cksum));
	cksum = sf_cksum_adjust(cksum, old, new);
	memcpy(ic + 2, &cksum, sizeof(cksum));

	memcpy(tmp, ip6->src_addr, 16);
	memcpy(ip6->src_addr, ip6->dst_addr, 16);
	memcpy(ip6->dst_addr, tmp, 16);
	ip6->hop_limits = SF_IP6_HOP_LIMIT;
	sf_l2_reply(m, pt);
	sf_count(nt, SF_CNT_icmp6_echo_replies);
	return SF_VERDICT_TX;
}

/*
 * RFC 4861 7.1.1 validity checks of a neighbour solicitation that the
 * IPv6 and ICMPv6 layers have not done (hop limit, checksum and length
 * are checked by the caller). Returns the counter to drop with, or
 * SF_PKT_OK.
 */
static enum sf_counter
sf_nd_ns_check(const struct rte_ipv6_hdr *ip6, const struct sf_nd_msg *ns,
		uint16_t len, const struct sf_port *pt, const uint8_t **lla)
{
	const uint8_t *opt = (const uint8_t *)(ns + 1);
	uint16_t left = len - sizeof(*ns);
	bool slla = false;

	*lla = NULL;

	if (ns->nd_code != 0)
		return SF_CNT_drop_nd_invalid;
	if (ns->nd_target[0] == 0xff)
		return SF_CNT_drop_nd_invalid;
	/* "All included options have a length that is greater than zero." */
	while (left > 0) {
		if (left < 8 || opt[1] == 0 || opt[1] * 8 > left)
			return SF_CNT_drop_nd_invalid;
		if (opt[0] == SF_ND_OPT_SLLA) {
			slla = true;
			if (opt[1] == 1)   /* Ethernet: RFC 2464 8 */
				*lla = opt + 2;
		}
		left -= opt[1] * 8;
		opt += opt[1] * 8;
	}
	/*
	 * "If the IP source address is the unspecified address, the IP
	 * destination address is a solicited-node multicast address" and
	 * "there is no source link-layer address option".
	 */
	if (sf_ip6_is_unspecified(ip6->src_addr) &&
	    (!sf_port_owns_v6_snm(pt, ip6->dst_addr) || slla))
		return SF_CNT_drop_nd_invalid;
	if (!sf_port_owns_v6(pt, ns->nd_target))
		return SF_CNT_drop_nd_not_for_us;
	return SF_PKT_OK;
}

static enum sf_verdict
sf_nd_ns_input(struct sf_net *nt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p)
{
	struct rte_ipv6_hdr *ip6;
	struct rte_ether_hdr *eh;
	struct sf_nd_na_tlla *na;
	const struct sf_nd_msg *ns;
	const uint8_t *slla;
	enum sf_counter why;
	uint8_t target[16];
	bool dad;

	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, p->l2_len);
	if (ip6->hop_limits != SF_ND_HOP_LIMIT)
		return sf_drop(nt, SF_CNT_drop_nd_bad_hop_limit);
	if (p->l4_len < sizeof(*ns))
		return sf_drop(nt, SF_CNT_drop_nd_invalid);
	ns = rte_pktmbuf_mtod_offset(m, const struct sf_nd_msg *,
			p->l2_len + p->l3_len);
	why = sf_nd_ns_check(ip6, ns, p->l4_len, pt, &slla);
	if (why != SF_PKT_OK)
		return sf_drop(nt, why);
	memcpy(target, ns->nd_target, 16);
	dad = sf_ip6_is_unspecified(ip6->src_addr);
	/*
	 * RFC 4861 7.2.3: the source's link-layer address makes (or
	 * replaces) its entry, STALE; learnt before the reply rewrites the
	 * frame. A DAD probe carries none.
	 */
	if (slla != NULL && !dad && nt->nt_neigh != NULL)
		sf_neigh_learn(nt, (uint16_t)(pt - nt->nt_ports), AF_INET6,
			ip6->src_addr, (const struct rte_ether_addr *)slla,
			SF_NUD_STALE, SF_NEIGH_F_CREATE | SF_NEIGH_F_OVERRIDE);

	ip6 = sf_ip6_reply_layout(m, p, sizeof(*na));
	if (ip6 == NULL)
		return sf_drop(nt, SF_CNT_drop_reply_no_room);
	/*
	 * RFC 4861 7.2.4: to a DAD probe (unspecified source) the answer goes
	 * to all-nodes with S clear; otherwise back to the soliciting node with
	 * S set. O is set: the target is ours alone, not an anycast address.
	 */
	if (dad)
		memcpy(ip6->dst_addr, sf_ip6_all_nodes, 16);
	else
		memcpy(ip6->dst_addr, ip6->src_addr, 16);
	memcpy(ip6->src_addr, target, 16);
	ip6->hop_limits = SF_ND_HOP_LIMIT;

	na = rte_pktmbuf_mtod_offset(m, struct sf_nd_na_tlla *,
			p->l2_len + p->l3_len);
	memset(na, 0, sizeof(*na));
	na->na_msg.nd_type = SF_ND_NA;
	na->na_msg.nd_flags = SF_NA_FLAG_OVERRIDE |
		(dad ? 0 : SF_NA_FLAG_SOLICITED);
	memcpy(na->na_msg.nd_target, target, 16);
	na->na_opt_type = SF_ND_OPT_TLLA;
	na->na_opt_len = 1;
	memcpy(na->na_mac, pt->pt_mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	na->na_msg.nd_cksum = sf_ip6_l4_cksum(ip6, na, sizeof(*na),
			IPPROTO_ICMPV6);

	sf_l2_reply(m, pt);
	if (dad) {
		/* 33:33 + low 32 bits of ff02::1 (RFC 2464 7). */
		eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		memset(&eh->dst_addr, 0, sizeof(eh->dst_addr));
		eh->dst_addr.addr_bytes[0] = 0x33;
		eh->dst_addr.addr_bytes[1] = 0x33;
		eh->dst_addr.addr_bytes[5] = 0x01;
	}
	sf_count(nt, SF_CNT_nd_na_sent);
	return SF_VERDICT_TX;
}

/*
 * A neighbour advertisement (RFC 4861 7.1.2 validity, 7.2.5 receipt):
 * it updates the neighbour table and is never answered.
 */
static enum sf_verdict
sf_nd_na_input(struct sf_net *nt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p)
{
	const struct rte_ipv6_hdr *ip6;
	const struct sf_nd_msg *na;
	const uint8_t *opt, *tlla = NULL;
	uint16_t left;

	ip6 = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
			p->l2_len);
	if (ip6->hop_limits != SF_ND_HOP_LIMIT || p->l4_len < sizeof(*na))
		return sf_drop(nt, SF_CNT_drop_na_invalid);
	na = rte_pktmbuf_mtod_offset(m, const struct sf_nd_msg *,
			p->l2_len + p->l3_len);
	/*
	 * "ICMP Code is 0", "Target Address is not a multicast address",
	 * "If the IP Destination Address is a multicast address the
	 * Solicited flag is zero", option lengths greater than zero.
	 */
	if (na->nd_code != 0 || na->nd_target[0] == 0xff ||
	    (ip6->dst_addr[0] == 0xff &&
	     (na->nd_flags & SF_NA_FLAG_SOLICITED)))
		return sf_drop(nt, SF_CNT_drop_na_invalid);
	opt = (const uint8_t *)(na + 1);
	left = p->l4_len - sizeof(*na);
	while (left > 0) {
		if (left < 8 || opt[1] == 0 || opt[1] * 8 > left)
			return sf_drop(nt, SF_CNT_drop_na_invalid);
		if (opt[0] == SF_ND_OPT_TLLA && opt[1] == 1)
			tlla = opt + 2;
		left -= opt[1] * 8;
		opt += opt[1] * 8;
	}
	if (sf_port_owns_v6(pt, na->nd_target))
		return sf_drop(nt, SF_CNT_drop_na_ours);
	if (nt->nt_neigh != NULL)
		sf_neigh_na_learn(nt, (uint16_t)(pt - nt->nt_ports),
			na->nd_target, (const struct rte_ether_addr *)tlla,
			na->nd_flags);
	sf_count(nt, SF_CNT_nd_na_received);
	return SF_VERDICT_DROP;
}

enum sf_verdict
sf_icmp6_input(struct sf_net *nt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p)
{
	const struct rte_ipv6_hdr *ip6;
	const uint8_t *ic;

	if (p->l4_len < 4)
		return sf_drop(nt, SF_CNT_drop_icmp6_truncated);
	ip6 = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
			p->l2_len);
	ic = rte_pktmbuf_mtod_offset(m, const uint8_t *,
			p->l2_len + p->l3_len);
	if (sf_ip6_l4_cksum(ip6, ic, p->l4_len, IPPROTO_ICMPV6) != 0)
		return sf_drop(nt, SF_CNT_drop_icmp6_bad_csum);
	switch (ic[0]) {
	case SF_ICMP6_ECHO_REQUEST:
		return sf_icmp6_echo(nt, pt, m, p);
	case SF_ND_NS:
		return sf_nd_ns_input(nt, pt, m, p);
	case SF_ND_NA:
		return sf_nd_na_input(nt, pt, m, p);
	case SF_ICMP6_DEST_UNREACH:
		if (ic[1] > SF_ICMP6_UNREACH_MAX)
			return sf_drop(nt, SF_CNT_drop_icmp6_unhandled);
		p->err_hard = (SF_ICMP6_UNREACH_HARD >> ic[1]) & 1;
		p->err_mtu = 0;
		return SF_VERDICT_ICMP_ERR;
	case SF_ICMP6_PKT_TOOBIG:
		p->err_hard = false;
		/* RFC 4443 3.2: the MTU, 32 bits. */
		p->err_mtu = (uint32_t)ic[4] << 24 | (uint32_t)ic[5] << 16 |
			(uint32_t)ic[6] << 8 | ic[7];
		return SF_VERDICT_ICMP_ERR;
	case SF_ICMP6_TIME_EXCEED:
	case SF_ICMP6_PARAMPROB:
		p->err_hard = true;
		p->err_mtu = 0;
		return SF_VERDICT_ICMP_ERR;
	default:
		return sf_drop(nt, SF_CNT_drop_icmp6_unhandled);
	}
}
