/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * SipHash-2-4, written from the algorithm's description in the paper:
 * four 64-bit words of state, two compression rounds per 8-byte block,
 * four finalisation rounds, the message length in the last block's top
 * byte.
 */

#include <string.h>
#include <sys/random.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_random.h>

#include "sf_siphash.h"

uint64_t
sf_siphash(const struct sf_siphash_key *key, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t left = len;
	struct sf_sip s;
	uint64_t m, b;

	sf_sip_init(&s, key);
	for (; left >= 8; p += 8, left -= 8) {
		memcpy(&m, p, 8);
		sf_sip_block(&s, rte_le_to_cpu_64(m));
	}
	/* The last 0..7 bytes, little-endian, under the length byte. */
	b = (uint64_t)len << 56;
	switch (left) {
	case 7:
		b |= (uint64_t)p[6] << 48;
		/* fall through */
	case 6:
		b |= (uint64_t)p[5] << 40;
		/* fall through */
	case 5:
		b |= (uint64_t)p[4] << 32;
		/* fall through */
	case 4: {
		uint32_t t;

		memcpy(&t, p, 4);
		b |= rte_le_to_cpu_32(t);
		break;
	}
	case 3:
		b |= (uint64_t)p[2] << 16;
		/* fall through */
	case 2:
		b |= (uint64_t)p[1] << 8;
		/* fall through */
	case 1:
		b |= p[0];
		break;
	default:
		break;
	}
	return sf_sip_last(&s, b);
}

void
sf_siphash_key_random(struct sf_siphash_key *key)
{
	/*
	 * getrandom() draws from the kernel's CSPRNG. Should it fail (a
	 * seccomp sandbox), fall back to DPDK's generator, which EAL seeds
	 * from the TSC and the process: weaker, but never a fixed key.
	 */
	if (getrandom(key, sizeof(*key), 0) == (ssize_t)sizeof(*key))
		return;
	key->k[0] = rte_rand() ^ rte_rdtsc();
	key->k[1] = rte_rand();
}

void
sf_siphash_key_from_bytes(const uint8_t b[16], struct sf_siphash_key *key)
{
	memcpy(&key->k[0], b, 8);
	memcpy(&key->k[1], b + 8, 8);
	key->k[0] = rte_le_to_cpu_64(key->k[0]);
	key->k[1] = rte_le_to_cpu_64(key->k[1]);
}
