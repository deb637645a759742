/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * ARP responder (RFC 826, with the RFC 5227 probe rule). Requests for one
 * of the port's IPv4 addresses are turned into replies in place, which go
 * back to the L2 source of the frame they answer. Requests and replies
 * also feed the neighbour table (sf_neigh.c, RFC 826's merge) for the
 * frames synfront originates; what is answered does not depend on it.
 */

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "sf_neigh.h"
#include "sf_net.h"

/*
 * What a sender teaches the neighbour table: only a unicast sender
 * address that is not ours, from a sender MAC that is unicast.
 */
static void
sf_arp_learn(struct sf_net *nt, const struct sf_port *pt,
		const struct rte_mbuf *m, const struct rte_arp_hdr *ah)
{
	const struct rte_ether_hdr *eh =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint32_t sip = ah->arp_data.arp_sip;

	if (nt->nt_neigh == NULL || sip == 0 || sf_v4_is_martian_src(sip) ||
	    sf_port_v4_is_bcast(pt, sip) || sf_port_owns_v4(pt, sip))
		return;
	sf_neigh_arp_learn(nt, pt, rte_be_to_cpu_16(ah->arp_opcode), sip,
		ah->arp_data.arp_tip, &ah->arp_data.arp_sha,
		rte_is_unicast_ether_addr(&eh->dst_addr));
}

enum sf_verdict
sf_arp_input(struct sf_net *nt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p)
{
	struct rte_arp_hdr *ah;
	struct rte_arp_ipv4 *ad;
	uint32_t sip, tip;

	if (rte_pktmbuf_data_len(m) < p->l2_len + sizeof(*ah))
		return sf_drop(nt, SF_CNT_drop_arp_truncated);
	ah = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, p->l2_len);
	if (ah->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    ah->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    ah->arp_hlen != RTE_ETHER_ADDR_LEN || ah->arp_plen != 4)
		return sf_drop(nt, SF_CNT_drop_arp_bad_format);
	if (ah->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY)) {
		sf_arp_learn(nt, pt, m, ah);
		return sf_drop(nt, SF_CNT_arp_ignored);
	}
	if (ah->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST))
		return sf_drop(nt, SF_CNT_drop_arp_bad_format);
	/* Learnt before the answer rewrites the packet in place. */
	sf_arp_learn(nt, pt, m, ah);

	ad = &ah->arp_data;
	sip = ad->arp_sip;
	tip = ad->arp_tip;
	/* Sender 0.0.0.0 is an RFC 5227 probe and is answered, as Linux does. */
	if (sip != 0 && (sf_v4_is_martian_src(sip) ||
			 sf_port_v4_is_bcast(pt, sip)))
		return sf_drop(nt, SF_CNT_drop_arp_martian);
	if (!sf_port_owns_v4(pt, tip))
		return sf_drop(nt, SF_CNT_drop_arp_not_for_us);
	/*
	 * A gratuitous request (sender == target) announces an address, it
	 * asks nothing. Someone announcing ours is a conflict an operator
	 * should see, but answering would not resolve it.
	 */
	if (sip == tip)
		return sf_drop(nt, SF_CNT_arp_ignored);

	ah->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&ad->arp_sha, &ad->arp_tha);
	rte_ether_addr_copy(&pt->pt_mac, &ad->arp_sha);
	ad->arp_tip = sip;
	ad->arp_sip = tip;
	sf_l2_reply(m, pt);
	/* Drop the requester's Ethernet padding; the NIC pads our reply. */
	rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - (p->l2_len + sizeof(*ah)));
	m->ol_flags &= RTE_MBUF_F_EXTERNAL;   /* RX flags off, the buffer kept */
	sf_count(nt, SF_CNT_arp_replies);
	return SF_VERDICT_TX;
}
