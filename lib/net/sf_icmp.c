/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * ICMP input: the echo responder (RFC 792, RFC 1122 3.2.2.6), and errors
 * about the segments we sent handed to sf_icmp_err.c. The request becomes
 * the reply in place: only the type, the addresses and the IPv4 header
 * change, so the ICMP checksum is updated incrementally (RFC 1624)
 * instead of summing the payload a second time.
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "sf_cksum.h"
#include "sf_net.h"

/*
 * Destination unreachable codes that end a request (RFC 1122 3.2.2.1's
 * list; RFC 1812 5.2.7.1 for 13-15): net and host unreachable, as
 * Linux's tcp_v4_err() decides for a request, and every code Linux's
 * icmp_err_convert[] marks fatal (protocol, port, unknown or isolated
 * destinations, administratively prohibited, precedence). Fragmentation
 * needed (4), source route failed (5) and the type-of-service codes
 * (11, 12) are soft. Codes above 15 are unknown and ignored.
 */
#define SF_ICMP_UNREACH_MAX 15
#define SF_ICMP_UNREACH_HARD \
	((1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) | (1u << 6) | \
	 (1u << 7) | (1u << 8) | (1u << 9) | (1u << 10) | (1u << 13) | \
	 (1u << 14) | (1u << 15))

/* TTL of everything we send: Linux's default (net.ipv4.ip_default_ttl). */
#define SF_IP4_TTL 64

/*
 * Strip IPv4 options from a frame about to become a reply: RFC 1122
 * 3.2.2.6 lets a host echo a record-route or timestamp option, but no
 * option makes sense coming back from a front end, and Linux's
 * icmp_reply() only reflects the options it can reverse. The L2 and
 * fixed IPv4 headers move forward over the options.
 */
static struct rte_ipv4_hdr *
sf_ip4_strip_options(struct rte_mbuf *m, struct sf_pkt *p)
{
	uint16_t optlen = p->l3_len - sizeof(struct rte_ipv4_hdr);
	struct rte_ipv4_hdr *ip;
	char *base;

	if (optlen != 0) {
		base = rte_pktmbuf_mtod(m, char *);
		memmove(base + optlen, base,
			p->l2_len + sizeof(struct rte_ipv4_hdr));
		rte_pktmbuf_adj(m, optlen);
		p->l3_len = sizeof(struct rte_ipv4_hdr);
	}
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, p->l2_len);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(p->l3_len + p->l4_len);
	return ip;
}

/*
 * Finish the IPv4 header of a reply: swapped addresses, our TTL, and the
 * header checksum in software or by the NIC.
 */
static void
sf_ip4_reply_header(struct rte_mbuf *m, const struct sf_port *pt,
		struct rte_ipv4_hdr *ip, const struct sf_pkt *p)
{
	uint32_t a = ip->src_addr;

	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = SF_IP4_TTL;
	ip->fragment_offset = 0;
	ip->hdr_checksum = 0;
	m->ol_flags &= RTE_MBUF_F_EXTERNAL;   /* RX flags off, the buffer kept */
	if (pt->pt_tx_ip4_cksum) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		m->l2_len = p->l2_len;
		m->l3_len = p->l3_len;
	} else {
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
}

enum sf_verdict
sf_icmp_input(struct sf_net *nt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p)
{
	struct rte_icmp_hdr *ic;
	struct rte_ipv4_hdr *ip;
	uint16_t old, new;

	if (p->l4_len < sizeof(*ic))
		return sf_drop(nt, SF_CNT_drop_icmp_truncated);
	ic = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *,
			p->l2_len + p->l3_len);
	if (rte_raw_cksum(ic, p->l4_len) != 0xffff)
		return sf_drop(nt, SF_CNT_drop_icmp_bad_csum);
	switch (ic->icmp_type) {
	case RTE_IP_ICMP_ECHO_REQUEST:
		break;
	case SF_ICMP_DEST_UNREACH:
		if (ic->icmp_code > SF_ICMP_UNREACH_MAX)
			return sf_drop(nt, SF_CNT_drop_icmp_unhandled);
		p->err_hard = (SF_ICMP_UNREACH_HARD >> ic->icmp_code) & 1;
		/* RFC 1191 4: the next-hop MTU in the low 16 bits. */
		p->err_mtu = ic->icmp_code == SF_ICMP_FRAG_NEEDED ?
			rte_be_to_cpu_16(ic->icmp_seq_nb) : 0;
		return SF_VERDICT_ICMP_ERR;
	case SF_ICMP_TIME_EXCEEDED:
	case SF_ICMP_PARAMETERPROB:
		p->err_hard = true;
		p->err_mtu = 0;
		return SF_VERDICT_ICMP_ERR;
	default:
		return sf_drop(nt, SF_CNT_drop_icmp_unhandled);
	}

	ip = sf_ip4_strip_options(m, p);
	ic = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *,
			p->l2_len + p->l3_len);
	memcpy(&old, ic, sizeof(old));        /* type and code, as a word */
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	memcpy(&new, ic, sizeof(new));
	ic->icmp_cksum = sf_cksum_adjust(ic->icmp_cksum, old, new);
	/*
	 * Eqn. 3 gives 0x0000 when the reply sums to zero. If that is
	 * because it is all zeros (identifier, sequence and data zero), only
	 * 0xffff verifies; for any other zero sum 0xffff is as valid as
	 * 0x0000 (RFC 1624 3, 5), so always send 0xffff, as a full
	 * recompute (Linux's icmp_reply()) would in the first case.
	 */
	if (ic->icmp_cksum == 0)
		ic->icmp_cksum = 0xffff;
	sf_ip4_reply_header(m, pt, ip, p);
	sf_l2_reply(m, pt);
	sf_count(nt, SF_CNT_icmp_echo_replies);
	return SF_VERDICT_TX;
}
