/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The splice's segment rewrite (issue 18): once both legs of a proxied
 * pair are up, a segment from one leg goes out on the other with its
 * TCP header rewritten in place, never buffered. Each leg has its own
 * sequence spaces and timestamp clocks, so per direction (struct
 * sf_xlate):
 *
 *   SEG.SEQ      + seq_delta    the sender's bytes, in the receiver's
 *                               view of that side (our ISS on the other
 *                               leg differs from the sender's ISN)
 *   SEG.ACK      + ack_delta    the receiver's own bytes, back in the
 *   SACK edges   + ack_delta    receiver's space (they acknowledge it)
 *   TSval        + tsval_delta  the sender's clock in the receiver's view
 *   TSecr        + tsecr_delta  the receiver's own clock back
 *   window       rescaled       the sender's shift to the one the
 *                               receiver applies; a window that was open
 *                               never rounds down to 0 (the receiver
 *                               would stop sending), and it is capped at
 *                               the field's 65535
 *   MSS (SYN)    clamped        to mss_clamp when set and smaller
 *
 * The checksum follows each changed 16-bit word (RFC 1624 eqn. 3), the
 * words aligned on the TCP header as the sum takes them, so a field at
 * an odd option offset updates the words it straddles. Addresses and
 * ports (FULLNAT) change the pseudo-header and header words the same way
 * (sf_xlate_adjust()).
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_tcp.h>

#include "sf_cksum.h"
#include "sf_proxy_pvt.h"
#include "sf_tcp_opt.h"

/*
 * Write n bytes at offset off of the TCP header th, with the checksum
 * adjusted for every aligned 16-bit word they touch.
 */
static void
sf_xl_write(struct rte_tcp_hdr *th, unsigned int off, const void *val,
		unsigned int n)
{
	uint8_t *h = (uint8_t *)th;
	unsigned int a = off & ~1u, e = (off + n + 1) & ~1u, i;
	uint16_t old[4], new[4], ck = th->cksum;

	memcpy(old, h + a, e - a);
	memcpy(h + off, val, n);
	memcpy(new, h + a, e - a);
	for (i = 0; i < (e - a) / 2; i++)
		if (old[i] != new[i])
			ck = sf_cksum_adjust(ck, old[i], new[i]);
	th->cksum = ck;
}

/*
 * The 32-bit big-endian field at off, plus delta. At an even offset (the
 * fixed header's fields, options after NOPs: nearly always) its two
 * words' change goes into *acc, a one's complement sum folded into the
 * checksum once at the end (sf_xlate_tcp()); at an odd one the words it
 * straddles are adjusted at once.
 */
static inline void
sf_xl_add32(struct rte_tcp_hdr *th, unsigned int off, uint32_t delta,
		uint32_t *acc)
{
	uint8_t *h = (uint8_t *)th;
	uint32_t v, n;

	if (delta == 0)
		return;
	memcpy(&v, h + off, 4);
	n = rte_cpu_to_be_32(rte_be_to_cpu_32(v) + delta);
	if (off & 1) {
		sf_xl_write(th, off, &n, 4);
		return;
	}
	memcpy(h + off, &n, 4);
	/* Memory order: each half is one aligned word as the sum reads it. */
	*acc += (uint16_t)~(uint16_t)v + (uint16_t)n +
		(uint16_t)~(uint16_t)(v >> 16) + (uint16_t)(n >> 16);
}

uint16_t
sf_xlate_window(uint16_t win, uint8_t in, uint8_t out)
{
	uint64_t bytes = (uint64_t)win << in;
	uint64_t w = bytes >> out;

	if (w == 0 && bytes != 0)
		w = 1;
	return (uint16_t)(w > UINT16_MAX ? UINT16_MAX : w);
}

unsigned int
sf_xlate_tcp(struct rte_tcp_hdr *th, const struct sf_xlate *x)
{
	unsigned int doff = (unsigned int)(th->data_off >> 4) * 4, o, len, i;
	unsigned int nsack = 0;
	const uint8_t *h = (const uint8_t *)th;
	bool syn = th->tcp_flags & RTE_TCP_SYN_FLAG;
	uint32_t acc = 0;
	uint16_t w;

	sf_xl_add32(th, offsetof(struct rte_tcp_hdr, sent_seq), x->xl_seq_delta,
		&acc);
	if (th->tcp_flags & RTE_TCP_ACK_FLAG)
		sf_xl_add32(th, offsetof(struct rte_tcp_hdr, recv_ack),
			x->xl_ack_delta, &acc);
	/* A SYN's window is never scaled (RFC 7323 2.2). */
	if (!syn) {
		w = rte_cpu_to_be_16(sf_xlate_window(
			rte_be_to_cpu_16(th->rx_win), x->xl_wscale_in,
			x->xl_wscale_out));
		if (w != th->rx_win) {
			acc += (uint16_t)~th->rx_win + w;
			th->rx_win = w;
		}
	}
	for (o = sizeof(*th); o < doff; o += len) {
		uint8_t kind = h[o];

		if (kind == SF_TCPOPT_EOL)
			break;
		if (kind == SF_TCPOPT_NOP) {
			len = 1;
			continue;
		}
		if (o + 1 >= doff)
			break;
		len = h[o + 1];
		if (len < 2 || o + len > doff)
			break;
		switch (kind) {
		case SF_TCPOPT_TS:
			if (len != 10)
				break;
			sf_xl_add32(th, o + 2, x->xl_tsval_delta, &acc);
			sf_xl_add32(th, o + 6, x->xl_tsecr_delta, &acc);
			break;
		case SF_TCPOPT_SACK:
			for (i = o + 2; i + 8 <= o + len; i += 8) {
				sf_xl_add32(th, i, x->xl_ack_delta, &acc);
				sf_xl_add32(th, i + 4, x->xl_ack_delta, &acc);
				nsack++;
			}
			break;
		case SF_TCPOPT_MSS:
			if (len == 4 && syn && x->xl_mss_clamp != 0 &&
			    (uint16_t)(h[o + 2] << 8 | h[o + 3]) >
			    x->xl_mss_clamp) {
				uint16_t m = rte_cpu_to_be_16(x->xl_mss_clamp);

				sf_xl_write(th, o + 2, &m, 2);
			}
			break;
		default:
			break;
		}
	}
	if (acc != 0)
		th->cksum = (uint16_t)~sf_cksum_fold((uint16_t)~th->cksum +
			sf_cksum_fold(acc));
	return nsack;
}

uint16_t
sf_xlate_adjust(uint16_t cksum, const void *old, const void *new,
		unsigned int n)
{
	const uint8_t *a = old, *b = new;
	uint16_t x, y;
	unsigned int i;

	for (i = 0; i + 1 < n; i += 2) {
		memcpy(&x, a + i, 2);
		memcpy(&y, b + i, 2);
		if (x != y)
			cksum = sf_cksum_adjust(cksum, x, y);
	}
	return cksum;
}
