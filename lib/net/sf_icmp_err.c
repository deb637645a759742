/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * ICMP and ICMPv6 errors, both ways.
 *
 * Out: a datagram to one of our addresses that nothing here takes (UDP,
 * an IP protocol we do not speak, a malformed IPv4 option list) draws
 * the error Linux's icmp_send() / icmp6_send() would send: port or
 * protocol unreachable (RFC 1122 3.2.2.1, 4.1.3.1), parameter problem
 * (RFC 792), and their ICMPv6 counterparts (RFC 4443 3.1, 3.4). The
 * error quotes as much of the datagram as fits in 576 bytes (IPv4,
 * RFC 1812 4.3.2.3) or the IPv6 minimum MTU (RFC 4443 2.4 c). It is
 * built in a new mbuf, so the datagram itself is still dropped with the
 * counter that says why, and it is rate limited as Linux limits it:
 * icmp_msgs_per_sec / icmp_msgs_burst over all peers (per worker here:
 * no shared cache line) and icmp_ratelimit per peer, with Linux's burst
 * of six (XRLIM_BURST_FACTOR). Operators facing a reflection attack turn
 * them off (no_icmp_errors).
 *
 * In: an ICMP error about a TCP segment we sent (tcp_v4_err(),
 * tcp_v6_err()) names the flow in the headers it quotes; this file reads
 * them, and the receive dispatch (sf_input.c) hands the flow to the TCP
 * code (sf_tcp_icmp_err()), which finds the request or connection.
 */

#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "sf_cksum.h"
#include "sf_net.h"

/* Linux's XRLIM_BURST_FACTOR: a peer may get six errors at once. */
#define SF_ICMP_PEER_BURST 6
/* What an IPv4 error may quote: 576 bytes in all (RFC 1812 4.3.2.3). */
#define SF_ICMP_QUOTE4 (576 - 20 - 8)
/* What an ICMPv6 error may quote: the minimum MTU (RFC 4443 2.4 c). */
#define SF_ICMP_QUOTE6 (1280 - 40 - 8)
/* TTL / hop limit of the errors: Linux's defaults. */
#define SF_ICMP_TTL 64
/* RFC 791 precedence "internetwork control", as Linux's icmp_send(). */
#define SF_IPTOS_PREC_INTERNETCONTROL 0xc0
#define SF_IPTOS_TOS_MASK 0x1e

void
sf_icmp_err_init(struct sf_net *nt)
{
	const struct sf_icmp_conf *ic = nt->nt_icmp_conf;

	nt->nt_icmp.rl_credit = (uint64_t)ic->ic_burst * 1000;
	nt->nt_icmp.rl_last = nt->nt_now;
}

/* icmp_global_allow(): a bucket of ic_burst messages, ic_per_sec a second. */
static bool
sf_icmp_global_allow(struct sf_net *nt, const struct sf_icmp_conf *ic)
{
	struct sf_icmp_rl *rl = &nt->nt_icmp;
	uint32_t now = nt->nt_now;
	uint64_t cap = (uint64_t)ic->ic_burst * 1000;

	if (ic->ic_per_sec == 0)
		return true;
	rl->rl_credit = RTE_MIN(rl->rl_credit +
		(uint64_t)(now - rl->rl_last) * ic->ic_per_sec, cap);
	rl->rl_last = now;
	return rl->rl_credit >= 1000;
}

/*
 * inet_peer_xrlim_allow(): one error per ic_ratelimit_ms to a peer, six
 * at once after a quiet spell. Peers hash into SF_ICMP_PEERS slots; a
 * peer that takes a colliding peer's slot starts with a full bucket,
 * which the bucket over all peers still bounds.
 */
static bool
sf_icmp_peer_allow(struct sf_net *nt, const struct sf_icmp_conf *ic,
		const void *addr, unsigned int len)
{
	struct sf_icmp_rl *rl = &nt->nt_icmp;
	uint32_t now = nt->nt_now, tag, cap, tok;
	uint32_t key[4];	/* rte_hash_crc() loads words; addr is in the frame */
	unsigned int i;

	if (ic->ic_ratelimit_ms == 0)
		return true;
	RTE_ASSERT(len <= sizeof(key));
	memcpy(key, addr, len);
	tag = rte_hash_crc(key, len, nt->nt_seed) | 1;
	i = (tag >> 1) & (SF_ICMP_PEERS - 1);
	cap = SF_ICMP_PEER_BURST * ic->ic_ratelimit_ms;
	if (rl->rl_peer[i].pe_tag != tag) {
		rl->rl_peer[i].pe_tag = tag;
		tok = cap;
	} else {
		tok = rl->rl_peer[i].pe_tokens;
		tok = now - rl->rl_peer[i].pe_last >= cap - tok ? cap :
			tok + (now - rl->rl_peer[i].pe_last);
	}
	rl->rl_peer[i].pe_last = now;
	if (tok < ic->ic_ratelimit_ms) {
		rl->rl_peer[i].pe_tokens = tok;
		return false;
	}
	rl->rl_peer[i].pe_tokens = tok - ic->ic_ratelimit_ms;
	return true;
}

/*
 * May one more error go to the peer at addr now? Counts when it may not.
 * On success the error is paid for, in the bucket over all peers and in
 * the peer's.
 */
static bool
sf_icmp_allow(struct sf_net *nt, const void *addr, unsigned int len)
{
	const struct sf_icmp_conf *ic = nt->nt_icmp_conf;

	if (!sf_icmp_global_allow(nt, ic) ||
	    !sf_icmp_peer_allow(nt, ic, addr, len)) {
		sf_count(nt, SF_CNT_icmp_out_ratelimited);
		return false;
	}
	if (ic->ic_per_sec != 0)
		nt->nt_icmp.rl_credit -= 1000;
	return true;
}

/*
 * An error paid for but not sent (no mbuf): the credit over all peers
 * back. The peer's stays spent: an mbuf shortage is no time to send it
 * more.
 */
static void
sf_icmp_refund(struct sf_net *nt)
{
	if (nt->nt_icmp_conf->ic_per_sec != 0)
		nt->nt_icmp.rl_credit += 1000;
}

/*
 * How much of the datagram the error quotes: what fits in max bytes of
 * IP packet and in the new mbuf after the headers (the default data room
 * holds all of it; a small one cuts the quote, which RFC 792 allows down
 * to the IP header and 8 bytes).
 */
static uint16_t
sf_icmp_quote_len(const struct rte_mbuf *e, const struct sf_pkt *p,
		uint32_t max, uint32_t hdrs)
{
	uint32_t q = RTE_MIN((uint32_t)p->l3_len + p->l4_len, max);
	uint32_t room = rte_pktmbuf_tailroom(e);

	if (room < hdrs + p->l3_len + 8u)
		return 0;
	return (uint16_t)RTE_MIN(q, room - hdrs);
}

/*
 * The error's frame, paid for in the rate limits already: a new mbuf
 * with the datagram's L2 header turned around (its VLAN tags kept, so the
 * error leaves the way the datagram came), room for hdrs bytes of IP and
 * ICMP header, and the quote (*q bytes) copied after them. Returns the
 * start of the IP header, or NULL (the credit refunded, counted).
 */
static uint8_t *
sf_icmp_err_frame(struct sf_net *nt, const struct sf_port *pt,
		const struct rte_mbuf *m, const struct sf_pkt *p, uint32_t max,
		uint16_t hdrs, struct rte_mbuf **ep, uint16_t *q)
{
	struct rte_ether_hdr *eh;
	struct rte_mbuf *e;
	uint8_t *b = NULL;

	e = sf_net_alloc(nt);
	if (e == NULL) {
		sf_icmp_refund(nt);
		return NULL;
	}
	*q = sf_icmp_quote_len(e, p, max, p->l2_len + hdrs);
	if (*q != 0)
		b = (uint8_t *)rte_pktmbuf_append(e, p->l2_len + hdrs + *q);
	if (b == NULL) {
		/* An mbuf too small for even the headers: as no mbuf. */
		rte_pktmbuf_free(e);
		sf_icmp_refund(nt);
		sf_count(nt, SF_CNT_tx_nombuf);
		return NULL;
	}
	memcpy(b, rte_pktmbuf_mtod(m, const uint8_t *), p->l2_len);
	eh = (struct rte_ether_hdr *)b;
	rte_ether_addr_copy(&eh->src_addr, &eh->dst_addr);
	rte_ether_addr_copy(&pt->pt_mac, &eh->src_addr);
	memcpy(b + p->l2_len + hdrs, rte_pktmbuf_mtod_offset(m,
		const uint8_t *, p->l2_len), *q);
	*ep = e;
	return b + p->l2_len;
}

static struct rte_mbuf *
sf_icmp_err4(struct sf_net *nt, const struct sf_port *pt,
		const struct rte_mbuf *m, const struct sf_pkt *p, uint8_t type,
		uint8_t code, uint32_t info)
{
	const struct rte_ipv4_hdr *oip = rte_pktmbuf_mtod_offset(m,
			const struct rte_ipv4_hdr *, p->l2_len);
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *ic;
	struct rte_mbuf *e;
	uint32_t rest;
	uint16_t q;

	if (!sf_icmp_allow(nt, &oip->src_addr, 4))
		return NULL;
	ip = (struct rte_ipv4_hdr *)sf_icmp_err_frame(nt, pt, m, p,
		SF_ICMP_QUOTE4, sizeof(*ip) + sizeof(*ic), &e, &q);
	if (ip == NULL)
		return NULL;
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = (oip->type_of_service & SF_IPTOS_TOS_MASK) |
		SF_IPTOS_PREC_INTERNETCONTROL;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*ic) + q);
	ip->packet_id = rte_cpu_to_be_16(nt->nt_icmp.rl_ip_id++);
	ip->fragment_offset = 0;
	ip->time_to_live = SF_ICMP_TTL;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->hdr_checksum = 0;
	ip->src_addr = oip->dst_addr;
	ip->dst_addr = oip->src_addr;
	ic = (struct rte_icmp_hdr *)(ip + 1);
	ic->icmp_type = type;
	ic->icmp_code = code;
	ic->icmp_cksum = 0;
	rest = rte_cpu_to_be_32(info);
	memcpy(&ic->icmp_ident, &rest, sizeof(rest));
	ic->icmp_cksum = (uint16_t)~sf_cksum_fold64(
		sf_cksum_acc(ic, sizeof(*ic) + q));
	if (pt->pt_tx_ip4_cksum) {
		e->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		e->l2_len = p->l2_len;
		e->l3_len = sizeof(*ip);
	} else {
		ip->hdr_checksum = sf_ip4_hdr_cksum(ip);
	}
	return e;
}

static struct rte_mbuf *
sf_icmp_err6(struct sf_net *nt, const struct sf_port *pt,
		const struct rte_mbuf *m, const struct sf_pkt *p, uint8_t type,
		uint8_t code, uint32_t info)
{
	const struct rte_ipv6_hdr *oip = rte_pktmbuf_mtod_offset(m,
			const struct rte_ipv6_hdr *, p->l2_len);
	struct rte_ipv6_hdr *ip6;
	struct rte_mbuf *e;
	uint16_t q, cksum;
	uint32_t rest;
	uint8_t *ic;

	if (!sf_icmp_allow(nt, oip->src_addr, 16))
		return NULL;
	ip6 = (struct rte_ipv6_hdr *)sf_icmp_err_frame(nt, pt, m, p,
		SF_ICMP_QUOTE6, sizeof(*ip6) + 8, &e, &q);
	if (ip6 == NULL)
		return NULL;
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16(8 + q);
	ip6->proto = IPPROTO_ICMPV6;
	ip6->hop_limits = SF_ICMP_TTL;
	memcpy(ip6->src_addr, oip->dst_addr, 16);
	memcpy(ip6->dst_addr, oip->src_addr, 16);
	ic = (uint8_t *)(ip6 + 1);
	ic[0] = type;
	ic[1] = code;
	ic[2] = ic[3] = 0;
	rest = rte_cpu_to_be_32(info);
	memcpy(ic + 4, &rest, sizeof(rest));
	/* The sum of the words as they lie in memory: stored as it is. */
	cksum = sf_ip6_l4_cksum(ip6, ic, 8 + q, IPPROTO_ICMPV6);
	memcpy(ic + 2, &cksum, sizeof(cksum));
	return e;
}

/*
 * RFC 1122 3.2.2 and RFC 4443 2.4 e: never an error about a datagram to a
 * group or in a group frame, about an ICMP error (or a message whose type
 * cannot be read), nor about an ICMPv6 error or redirect, as Linux's
 * icmp_send() and icmp6_send() check. (Fragments never get this far: the
 * parsers drop them all.)
 */
static bool
sf_icmp_not_to_answer(const struct rte_mbuf *m, const struct sf_pkt *p)
{
	uint8_t t;

	if (p->dst_mcast || p->l2_mcast)
		return true;
	if (p->l4_proto != IPPROTO_ICMP && p->l4_proto != IPPROTO_ICMPV6)
		return false;
	if (p->l4_len < 1)
		return true;
	t = *rte_pktmbuf_mtod_offset(m, const uint8_t *,
		p->l2_len + p->l3_len);
	if (p->l4_proto == IPPROTO_ICMPV6)
		return t < 128 || t == SF_ND_REDIRECT;
	/* Linux's icmp_pointers[].error, and types above NR_ICMP_TYPES. */
	return t > SF_ICMP_MAX_TYPE || t == SF_ICMP_DEST_UNREACH ||
		t == SF_ICMP_SOURCE_QUENCH || t == SF_ICMP_REDIRECT ||
		t == SF_ICMP_TIME_EXCEEDED || t == SF_ICMP_PARAMETERPROB;
}

void
sf_icmp_err_send(struct sf_net *nt, const struct sf_port *pt,
		const struct rte_mbuf *m, const struct sf_pkt *p, uint8_t type,
		uint8_t code, uint32_t info)
{
	bool v4 = p->ethertype == RTE_ETHER_TYPE_IPV4;
	struct rte_mbuf *e;

	if (nt->nt_icmp_conf->ic_off || sf_icmp_not_to_answer(m, p))
		return;
	e = v4 ? sf_icmp_err4(nt, pt, m, p, type, code, info) :
		sf_icmp_err6(nt, pt, m, p, type, code, info);
	if (e == NULL)
		return;
	if (v4)
		sf_count(nt, type == SF_ICMP_DEST_UNREACH ?
			SF_CNT_icmp_out_dest_unreachs :
			SF_CNT_icmp_out_parm_probs);
	else
		sf_count(nt, type == SF_ICMP6_DEST_UNREACH ?
			SF_CNT_icmp6_out_dest_unreachs :
			SF_CNT_icmp6_out_parm_probs);
	sf_net_tx(nt, (uint16_t)(pt - nt->nt_ports), e);
}

/*
 * The TCP segment an ICMP or ICMPv6 error quotes: the invoking packet's
 * IP header (IPv6 without extension headers: we send none) and at least
 * the first 8 bytes of its TCP header, ports and sequence number
 * (RFC 792, RFC 4443 2.4 c). The packet was ours, so its source is our
 * address and its destination the peer.
 */
enum sf_counter
sf_icmp_err_quote(const struct rte_mbuf *m, const struct sf_pkt *p,
		struct sf_flow_key *k, uint32_t *seq)
{
	const uint8_t *q = rte_pktmbuf_mtod_offset(m, const uint8_t *,
			p->l2_len + p->l3_len + 8);
	uint32_t qlen = p->l4_len - 8u;
	const uint8_t *th;

	if (p->l4_len < 8)
		return SF_CNT_drop_icmp_err_bad;
	memset(k, 0, sizeof(*k));
	if (p->ethertype == RTE_ETHER_TYPE_IPV4) {
		const struct rte_ipv4_hdr *ip = (const void *)q;
		uint32_t ihl;

		if (qlen < sizeof(*ip) || (ip->version_ihl >> 4) != 4)
			return SF_CNT_drop_icmp_err_bad;
		ihl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
		if (ihl < sizeof(*ip) || qlen < ihl + 8)
			return SF_CNT_drop_icmp_err_bad;
		if (ip->next_proto_id != IPPROTO_TCP)
			return SF_CNT_drop_icmp_err_no_flow;
		k->fk_family = AF_INET;
		k->fk_laddr[0] = ip->src_addr;
		k->fk_raddr[0] = ip->dst_addr;
		th = q + ihl;
	} else {
		const struct rte_ipv6_hdr *ip6 = (const void *)q;

		if (qlen < sizeof(*ip6) + 8 ||
		    (rte_be_to_cpu_32(ip6->vtc_flow) >> 28) != 6)
			return SF_CNT_drop_icmp_err_bad;
		if (ip6->proto != IPPROTO_TCP)
			return SF_CNT_drop_icmp_err_no_flow;
		k->fk_family = AF_INET6;
		memcpy(k->fk_laddr, ip6->src_addr, 16);
		memcpy(k->fk_raddr, ip6->dst_addr, 16);
		th = q + sizeof(*ip6);
	}
	memcpy(&k->fk_lport, th, 2);
	memcpy(&k->fk_rport, th + 2, 2);
	memcpy(seq, th + 4, 4);
	*seq = rte_be_to_cpu_32(*seq);
	return SF_PKT_OK;
}
