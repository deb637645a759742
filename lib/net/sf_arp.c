/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * ARP responder (RFC 826, with the RFC 5227 probe rule). Requests for one
 * of the port's IPv4 addresses are turned into replies in place; nothing
 * is learnt from ARP, because replies go back to the L2 source of the
 * frame they answer and synfront keeps no neighbour table.
 */

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "sf_net.h"

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
	if (ah->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY))
		return sf_drop(nt, SF_CNT_arp_ignored);
	if (ah->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST))
		return sf_drop(nt, SF_CNT_drop_arp_bad_format);

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
