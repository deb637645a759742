/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * SYN template, per-packet fill with an incremental checksum, and the
 * stateless answers of the handshake mode.
 */

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "sf_cksum.h"
#include "sfg_pkt.h"

#define SFG_TCP_SYN 0x02
#define SFG_TCP_RST 0x04
#define SFG_TCP_PSH 0x08
#define SFG_TCP_ACK 0x10
#define SFG_TCP_FIN 0x01
#define SFG_TCP_ECE 0x40
#define SFG_TCP_CWR 0x80

/* Window of the generated SYNs and ACKs: Linux's initial 64240. */
#define SFG_WINDOW 64240

/* Sum of 16-bit words of a 32-bit field as stored (big-endian). */
static inline uint32_t
sfg_sum32(uint32_t be)
{
	return (be & 0xffff) + (be >> 16);
}

/* Options of a SYN, in Linux's order; returns their length (x4). */
static unsigned int
sfg_syn_opts(const struct sfg_cfg *c, uint8_t *o, unsigned int *ts_at)
{
	unsigned int n = 0;

	*ts_at = 0;
	if (c->mss != 0) {
		o[n++] = 2;
		o[n++] = 4;
		o[n++] = (uint8_t)(c->mss >> 8);
		o[n++] = (uint8_t)c->mss;
	}
	if (c->sack && c->ts) {
		o[n++] = 4;
		o[n++] = 2;
	} else if (c->ts || c->sack) {
		o[n++] = 1;
		o[n++] = 1;
		if (c->sack) {
			o[n++] = 4;
			o[n++] = 2;
		}
	}
	if (c->ts) {
		o[n++] = 8;
		o[n++] = 10;
		*ts_at = n;
		memset(o + n, 0, 8);
		n += 8;
	}
	if (c->wscale >= 0) {
		o[n++] = 1;
		o[n++] = 3;
		o[n++] = 3;
		o[n++] = (uint8_t)c->wscale;
	}
	while (n % 4 != 0)
		o[n++] = 1;
	return n;
}

int
sfg_tmpl_init(struct sfg_tmpl *t, const struct sfg_cfg *c,
		char *err, size_t errlen)
{
	struct rte_ether_hdr *eh;
	struct rte_tcp_hdr *th;
	unsigned int olen, ts_at, host_bits, l4_len, alen;
	uint32_t sum;

	memset(t, 0, sizeof(*t));
	if (c->family != AF_INET && c->family != AF_INET6) {
		snprintf(err, errlen, "address family %u: need IPv4 or IPv6",
			c->family);
		return -EINVAL;
	}
	alen = c->family == AF_INET ? 4 : 16;
	if (c->src_prefix > alen * 8) {
		snprintf(err, errlen, "source prefix /%u: at most /%u",
			c->src_prefix, alen * 8);
		return -EINVAL;
	}
	host_bits = alen * 8 - c->src_prefix;
	if (host_bits > 32) {
		snprintf(err, errlen, "source prefix /%u: the random part "
			"is at most 32 bits, so at least /%u", c->src_prefix,
			alen * 8 - 32);
		return -EINVAL;
	}
	if (c->sport_lo == 0 || c->sport_hi < c->sport_lo) {
		snprintf(err, errlen, "source ports %u-%u: need 1 <= LO <= HI",
			c->sport_lo, c->sport_hi);
		return -EINVAL;
	}
	if (c->wscale > 14) {
		snprintf(err, errlen, "window scale %d: at most 14",
			c->wscale);
		return -EINVAL;
	}
	t->family = c->family;
	t->src_mask = host_bits == 32 ? UINT32_MAX :
		(uint32_t)((1ULL << host_bits) - 1);
	t->sport_lo = c->sport_lo;
	t->sport_span = (uint32_t)c->sport_hi - c->sport_lo + 1;

	eh = (struct rte_ether_hdr *)t->frame;
	rte_ether_addr_copy(&c->dst_mac, &eh->dst_addr);
	rte_ether_addr_copy(&c->src_mac, &eh->src_addr);
	t->l3_off = sizeof(*eh);
	if (c->family == AF_INET) {
		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		t->l4_off = t->l3_off + sizeof(struct rte_ipv4_hdr);
	} else {
		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		t->l4_off = t->l3_off + sizeof(struct rte_ipv6_hdr);
	}
	th = (struct rte_tcp_hdr *)(t->frame + t->l4_off);
	olen = sfg_syn_opts(c, (uint8_t *)(th + 1), &ts_at);
	l4_len = sizeof(*th) + olen;
	t->len = (uint16_t)(t->l4_off + l4_len);
	t->ts_off = ts_at == 0 ? 0 :
		(uint16_t)(t->l4_off + sizeof(*th) + ts_at);
	th->dst_port = rte_cpu_to_be_16(c->dport);
	th->data_off = (uint8_t)((l4_len / 4) << 4);
	th->tcp_flags = SFG_TCP_SYN |
		(c->ecn ? SFG_TCP_ECE | SFG_TCP_CWR : 0);
	th->rx_win = rte_cpu_to_be_16(SFG_WINDOW);

	/*
	 * The varying source word is left zero here: the fixed sums leave it
	 * out, and sfg_syn_make() adds the word it writes (RFC 1624).
	 */
	if (c->family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)
			(t->frame + t->l3_off);
		uint32_t base;

		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->total_length = rte_cpu_to_be_16(
			(uint16_t)(sizeof(*ip) + l4_len));
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_TCP;
		memcpy(&ip->dst_addr, c->dst, 4);
		memcpy(&base, c->src, 4);
		/* Keep only the prefix bits; the host bits are random. */
		ip->src_addr = rte_cpu_to_be_32(rte_be_to_cpu_32(base) &
			~t->src_mask);
		t->src_word_off = (uint16_t)(t->l3_off +
			offsetof(struct rte_ipv4_hdr, src_addr));
		base = ip->src_addr;
		ip->src_addr = 0;
		t->ip_sum = rte_raw_cksum(ip, sizeof(*ip));
		ip->src_addr = base;
		sum = sfg_sum32(ip->dst_addr);
		sum += rte_cpu_to_be_16(IPPROTO_TCP);
		sum += rte_cpu_to_be_16((uint16_t)l4_len);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)
			(t->frame + t->l3_off);
		uint32_t w;

		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)l4_len);
		ip6->proto = IPPROTO_TCP;
		ip6->hop_limits = 64;
		memcpy(ip6->src_addr, c->src, 16);
		memcpy(ip6->dst_addr, c->dst, 16);
		memcpy(&w, ip6->src_addr + 12, 4);
		w = rte_cpu_to_be_32(rte_be_to_cpu_32(w) & ~t->src_mask);
		memcpy(ip6->src_addr + 12, &w, 4);
		t->src_word_off = (uint16_t)(t->l3_off +
			offsetof(struct rte_ipv6_hdr, src_addr) + 12);
		sum = rte_raw_cksum(ip6->src_addr, 12);
		sum += rte_raw_cksum(ip6->dst_addr, 16);
		sum += rte_cpu_to_be_16(IPPROTO_TCP);
		sum += rte_cpu_to_be_16((uint16_t)l4_len);
	}
	/* The TCP header with port, sequence and TSval zero. */
	sum += rte_raw_cksum(th, l4_len);
	t->tcp_sum = sum;
	return 0;
}

void
sfg_syn_make(const struct sfg_tmpl *t, struct rte_mbuf *m, uint32_t host,
		uint16_t sport, uint32_t seq, uint32_t tsval)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(f + t->l4_off);
	uint32_t word, w_be, sum;
	uint16_t sport_be;

	rte_memcpy(f, t->frame, t->len);
	m->data_len = t->len;
	m->pkt_len = t->len;

	memcpy(&word, f + t->src_word_off, 4);
	word |= rte_cpu_to_be_32(host & t->src_mask);
	memcpy(f + t->src_word_off, &word, 4);
	sport_be = rte_cpu_to_be_16(sport);
	th->src_port = sport_be;
	th->sent_seq = rte_cpu_to_be_32(seq);

	sum = t->tcp_sum + sfg_sum32(word) + sport_be +
		sfg_sum32(th->sent_seq);
	if (t->ts_off != 0) {
		w_be = rte_cpu_to_be_32(tsval);
		memcpy(f + t->ts_off, &w_be, 4);
		sum += sfg_sum32(w_be);
	}
	th->cksum = (uint16_t)~sf_cksum_fold(sum);
	if (t->family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)
			(f + t->l3_off);

		ip->hdr_checksum = (uint16_t)~sf_cksum_fold(t->ip_sum +
			sfg_sum32(word));
	}
}

/* The addresses and ports of a received segment, seen from our side. */
struct sfg_seg {
	uint8_t family;
	struct rte_ether_addr mac_us, mac_them;
	uint8_t us[16], them[16];
	uint16_t port_us, port_them; /* network order */
	uint32_t seq, ack;           /* host order */
	uint8_t flags;
	uint32_t payload;
	bool has_ts;
	uint32_t tsval, tsecr;       /* host order */
};

/* Parse what the server sent; false when it is not a TCP segment of ours. */
static bool
sfg_seg_parse(const struct sfg_cfg *c, const struct rte_mbuf *m,
		struct sfg_seg *s)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *eh = (const struct rte_ether_hdr *)f;
	const struct rte_tcp_hdr *th;
	uint32_t len = rte_pktmbuf_data_len(m), l4, thl, tot, i;
	const uint8_t *o;

	if (m->nb_segs != 1 || len < sizeof(*eh))
		return false;
	rte_ether_addr_copy(&eh->dst_addr, &s->mac_us);
	rte_ether_addr_copy(&eh->src_addr, &s->mac_them);
	if (c->family == AF_INET &&
	    eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const void *)(eh + 1);

		if (len < sizeof(*eh) + sizeof(*ip) ||
		    ip->version_ihl != RTE_IPV4_VHL_DEF ||
		    ip->next_proto_id != IPPROTO_TCP ||
		    memcmp(&ip->src_addr, c->dst, 4) != 0)
			return false;
		memcpy(s->them, &ip->src_addr, 4);
		memcpy(s->us, &ip->dst_addr, 4);
		l4 = sizeof(*eh) + sizeof(*ip);
		tot = sizeof(*eh) + rte_be_to_cpu_16(ip->total_length);
	} else if (c->family == AF_INET6 &&
	    eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip6 = (const void *)(eh + 1);

		if (len < sizeof(*eh) + sizeof(*ip6) ||
		    ip6->proto != IPPROTO_TCP ||
		    memcmp(ip6->src_addr, c->dst, 16) != 0)
			return false;
		memcpy(s->them, ip6->src_addr, 16);
		memcpy(s->us, ip6->dst_addr, 16);
		l4 = sizeof(*eh) + sizeof(*ip6);
		tot = l4 + rte_be_to_cpu_16(ip6->payload_len);
	} else {
		return false;
	}
	s->family = c->family;
	if (tot > len || tot < l4 + sizeof(*th))
		return false;
	th = (const struct rte_tcp_hdr *)(f + l4);
	thl = (uint32_t)(th->data_off >> 4) * 4;
	if (thl < sizeof(*th) || l4 + thl > tot ||
	    th->src_port != rte_cpu_to_be_16(c->dport))
		return false;
	s->port_us = th->dst_port;
	s->port_them = th->src_port;
	s->seq = rte_be_to_cpu_32(th->sent_seq);
	s->ack = rte_be_to_cpu_32(th->recv_ack);
	s->flags = th->tcp_flags;
	s->payload = tot - l4 - thl;
	s->has_ts = false;
	o = (const uint8_t *)(th + 1);
	for (i = 0; i < thl - sizeof(*th);) {
		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= thl - sizeof(*th) || o[i + 1] < 2 ||
		    i + o[i + 1] > thl - sizeof(*th))
			break;
		if (o[i] == 8 && o[i + 1] == 10) {
			uint32_t v;

			memcpy(&v, o + i + 2, 4);
			s->tsval = rte_be_to_cpu_32(v);
			memcpy(&v, o + i + 6, 4);
			s->tsecr = rte_be_to_cpu_32(v);
			s->has_ts = true;
		}
		i += o[i + 1];
	}
	return true;
}

/*
 * Write a whole segment from s's point of view into m (single segment),
 * with data bytes of payload ('x' each when NULL).
 */
static void
sfg_seg_write(struct rte_mbuf *m, const struct sfg_seg *s, uint8_t flags,
		uint32_t seq, uint32_t ack, uint32_t tsval, uint16_t data,
		const uint8_t *payload)
{
	struct rte_ether_hdr *eh;
	struct rte_tcp_hdr *th;
	uint32_t olen = s->has_ts ? 12 : 0, l4_len, l3_len, v;
	uint8_t *o;

	l4_len = sizeof(*th) + olen + data;
	l3_len = s->family == AF_INET ? sizeof(struct rte_ipv4_hdr) :
		sizeof(struct rte_ipv6_hdr);
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->data_len = (uint16_t)(sizeof(*eh) + l3_len + l4_len);
	m->pkt_len = m->data_len;
	m->ol_flags = 0;
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	rte_ether_addr_copy(&s->mac_them, &eh->dst_addr);
	rte_ether_addr_copy(&s->mac_us, &eh->src_addr);
	th = (struct rte_tcp_hdr *)((uint8_t *)(eh + 1) + l3_len);
	th->src_port = s->port_us;
	th->dst_port = s->port_them;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)(((sizeof(*th) + olen) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(SFG_WINDOW >> 7);
	th->cksum = 0;
	th->tcp_urp = 0;
	o = (uint8_t *)(th + 1);
	if (s->has_ts) {
		o[0] = 1;
		o[1] = 1;
		o[2] = 8;
		o[3] = 10;
		v = rte_cpu_to_be_32(tsval);
		memcpy(o + 4, &v, 4);
		v = rte_cpu_to_be_32(s->tsval);
		memcpy(o + 8, &v, 4);
	}
	if (data != 0 && payload != NULL)
		memcpy(o + olen, payload, data);
	else if (data != 0)
		memset(o + olen, 'x', data);
	if (s->family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->type_of_service = 0;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(l3_len +
			l4_len));
		ip->packet_id = 0;
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_TCP;
		ip->hdr_checksum = 0;
		memcpy(&ip->src_addr, s->us, 4);
		memcpy(&ip->dst_addr, s->them, 4);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eh + 1);

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)l4_len);
		ip6->proto = IPPROTO_TCP;
		ip6->hop_limits = 64;
		memcpy(ip6->src_addr, s->us, 16);
		memcpy(ip6->dst_addr, s->them, 16);
		th->cksum = rte_ipv6_udptcp_cksum(ip6, th);
	}
}

unsigned int
sfg_answer(const struct sfg_cfg *c, struct rte_mbuf *m,
		struct rte_mempool *pool, uint32_t tsval, struct rte_mbuf **extra,
		uint32_t *tsecr, bool *is_synack, struct sfg_rx_stats *st,
		bool *is_resp)
{
	struct sfg_seg s;
	struct rte_mbuf *x;
	uint32_t seq;
	uint8_t fl;

	*extra = NULL;
	*is_synack = false;
	if (is_resp != NULL)
		*is_resp = false;
	if (!sfg_seg_parse(c, m, &s)) {
		st->other++;
		return 0;
	}
	/*
	 * Data from the server after our third ACK carried some: a segment
	 * that starts an HTTP response is its answer, and echoes the TSval
	 * of that ACK (the request's send time).
	 */
	if (s.payload != 0 && c->ack_data != 0) {
		const uint8_t *d = rte_pktmbuf_mtod_offset(m, const uint8_t *,
			rte_pktmbuf_data_len(m) - s.payload);
		bool start = s.payload >= 10 && memcmp(d, "HTTP/1.", 7) == 0 &&
			d[8] == ' ';

		if (start && d[9] == '2')
			st->resp_2xx++;
		else
			st->resp_other++;
		if (start && is_resp != NULL)
			*is_resp = true;
		if (start && s.has_ts)
			*tsecr = s.tsecr;
	}
	fl = s.flags & (SFG_TCP_SYN | SFG_TCP_ACK | SFG_TCP_RST | SFG_TCP_FIN);
	if (fl & SFG_TCP_RST) {
		st->rst++;
		return 0;
	}
	if (fl == (SFG_TCP_SYN | SFG_TCP_ACK)) {
		*is_synack = true;
		st->synack++;
		if (s.has_ts)
			*tsecr = s.tsecr;
		else
			st->no_ts++;
		/* Our ISN + 1 is what the server acknowledged. */
		seq = s.ack;
		sfg_seg_write(m, &s, SFG_TCP_ACK |
			(c->ack_data != 0 ? SFG_TCP_PSH : 0), seq, s.seq + 1,
			tsval, c->ack_data, c->ack_payload);
		if (c->after == SFG_AFTER_NONE)
			return 1;
		x = rte_pktmbuf_alloc(pool);
		if (x == NULL) {
			st->nombuf++;
			return 1;
		}
		sfg_seg_write(x, &s, c->after == SFG_AFTER_FIN ?
			SFG_TCP_FIN | SFG_TCP_ACK : SFG_TCP_RST | SFG_TCP_ACK,
			seq + c->ack_data, s.seq + 1, tsval, 0, NULL);
		*extra = x;
		st->after++;
		return 2;
	}
	if ((fl & (SFG_TCP_FIN | SFG_TCP_SYN)) == SFG_TCP_FIN) {
		st->fin++;
		/*
		 * Acknowledge the server's FIN; unless we sent ours already,
		 * close our side with it (FIN-ACK), so that neither side
		 * waits for the other.
		 */
		sfg_seg_write(m, &s, c->after == SFG_AFTER_FIN ? SFG_TCP_ACK :
			SFG_TCP_FIN | SFG_TCP_ACK, s.ack,
			s.seq + s.payload + 1, tsval, 0, NULL);
		return 1;
	}
	st->ack++;
	return 0;
}

unsigned int
sfg_tx_pending(uint16_t port, uint16_t queue, struct rte_mbuf **pend,
		unsigned int *npend)
{
	unsigned int k = rte_eth_tx_burst(port, queue, pend,
		(uint16_t)*npend);

	if (k < *npend)
		memmove(pend, pend + k, (*npend - k) * sizeof(pend[0]));
	*npend -= k;
	return k;
}
