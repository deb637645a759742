/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#include <string.h>

#include <rte_byteorder.h>

#include "sf_tcp_opt.h"

static uint16_t
sf_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
sf_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

bool
sf_tcp_opts_walk(const uint8_t *opt, uint16_t len, bool syn,
		struct sf_tcp_opts *out)
{
	uint16_t i = 0;
	uint8_t kind, size;

	memset(out, 0, sizeof(*out));
	while (i < len) {
		kind = opt[i];
		if (kind == SF_TCPOPT_EOL)
			return true;
		if (kind == SF_TCPOPT_NOP) {
			i++;
			continue;
		}
		/*
		 * "silly options" in Linux's words: a length that cannot hold
		 * the kind and length bytes, or that runs past the header,
		 * ends the walk.
		 */
		if (i + 1 >= len)
			return false;
		size = opt[i + 1];
		if (size < 2 || size > len - i)
			return false;
		switch (kind) {
		case SF_TCPOPT_MSS:
			if (size == 4 && syn) {
				out->to_mss = sf_get16(opt + i + 2);
				out->to_flags |= SF_TOF_MSS;
			}
			break;
		case SF_TCPOPT_WSCALE:
			if (size == 3 && syn) {
				out->to_wscale = RTE_MIN(opt[i + 2],
					(uint8_t)SF_TCP_MAX_WSCALE);
				out->to_flags |= SF_TOF_WSCALE;
			}
			break;
		case SF_TCPOPT_SACK_PERM:
			if (size == 2 && syn)
				out->to_flags |= SF_TOF_SACKPERM;
			break;
		case SF_TCPOPT_TS:
			if (size == 10) {
				out->to_tsval = sf_get32(opt + i + 2);
				out->to_tsecr = sf_get32(opt + i + 6);
				out->to_flags |= SF_TOF_TS;
			}
			break;
		default:
			break;
		}
		i += size;
	}
	return true;
}

unsigned int
sf_tcp_opts_sack(const uint8_t *opt, uint16_t len, const uint8_t **blk)
{
	uint16_t i = 0;
	uint8_t size;

	while (i < len && opt[i] != SF_TCPOPT_EOL) {
		if (opt[i] == SF_TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return 0;
		size = opt[i + 1];
		if (size < 2 || size > len - i)
			return 0;
		if (opt[i] == SF_TCPOPT_SACK && size >= 10 &&
		    (size - 2) % 8 == 0) {
			*blk = opt + i + 2;
			return RTE_MIN((size - 2u) / 8, 4u);
		}
		i += size;
	}
	return 0;
}

__rte_always_inline bool
sf_tcp_opts_parse(const uint8_t *opt, uint16_t len, bool syn,
		struct sf_tcp_opts *out)
{
	/*
	 * The layouts Linux sends, which nearly every segment carries, are
	 * matched whole; anything else takes the walk, and both give the
	 * same result (test_tcp_opt checks one against the other).
	 *   after the handshake: <nop, nop, TS>
	 *   SYN: <mss, sackOK, TS, nop, wscale>
	 */
	if (len == 12 && sf_get32(opt) == 0x0101080a) {
		out->to_flags = SF_TOF_TS;
		out->to_wscale = 0;
		out->to_mss = 0;
		out->to_tsval = sf_get32(opt + 4);
		out->to_tsecr = sf_get32(opt + 8);
		return true;
	}
	if (len == 20 && syn && sf_get16(opt) == 0x0204 &&
	    sf_get32(opt + 4) == 0x0402080a &&
	    (sf_get32(opt + 16) >> 8) == 0x010303) {
		out->to_flags = SF_TOF_MSS | SF_TOF_SACKPERM | SF_TOF_TS |
			SF_TOF_WSCALE;
		out->to_wscale = RTE_MIN(opt[19], (uint8_t)SF_TCP_MAX_WSCALE);
		out->to_mss = sf_get16(opt + 2);
		out->to_tsval = sf_get32(opt + 8);
		out->to_tsecr = sf_get32(opt + 12);
		return true;
	}
	return sf_tcp_opts_walk(opt, len, syn, out);
}

static uint8_t *
sf_put32(uint8_t *p, uint32_t v)
{
	v = rte_cpu_to_be_32(v);
	memcpy(p, &v, 4);
	return p + 4;
}

/*
 * Every option group of a SYN-ACK is one 32-bit word (kind, length and
 * value, or NOPs before), stored whole in network order.
 */
__rte_always_inline uint16_t
sf_tcp_opts_build_synack(uint8_t *buf, const struct sf_tcp_opts *o)
{
	uint8_t *p = buf;

	if (o->to_flags & SF_TOF_MSS)
		p = sf_put32(p, (uint32_t)SF_TCPOPT_MSS << 24 | 4u << 16 |
			o->to_mss);
	if (o->to_flags & SF_TOF_TS) {
		/* SACK-permitted takes the two bytes NOPs would pad. */
		p = sf_put32(p, (o->to_flags & SF_TOF_SACKPERM ?
			(uint32_t)SF_TCPOPT_SACK_PERM << 24 | 2u << 16 :
			(uint32_t)SF_TCPOPT_NOP << 24 | SF_TCPOPT_NOP << 16) |
			SF_TCPOPT_TS << 8 | 10);
		p = sf_put32(p, o->to_tsval);
		p = sf_put32(p, o->to_tsecr);
	} else if (o->to_flags & SF_TOF_SACKPERM) {
		p = sf_put32(p, (uint32_t)SF_TCPOPT_NOP << 24 |
			SF_TCPOPT_NOP << 16 | SF_TCPOPT_SACK_PERM << 8 | 2);
	}
	if (o->to_flags & SF_TOF_WSCALE)
		p = sf_put32(p, (uint32_t)SF_TCPOPT_NOP << 24 |
			SF_TCPOPT_WSCALE << 16 | 3u << 8 | o->to_wscale);
	return (uint16_t)(p - buf);
}
