/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_TWHEEL_H
#define SF_TWHEEL_H

/*
 * A hashed timing wheel (Varghese and Lauck, "Hashed and hierarchical
 * timing wheels", SOSP 1987, scheme 6) for the timers of one lcore:
 * SYN-ACK retransmission, request expiry, FIN retransmission, TIME-WAIT.
 *
 * Timers are named by a dense id (a request or connection slot), so a
 * timer costs 12 bytes and no allocation; arming, re-arming and
 * cancelling are O(1). A timer due in more than one turn of the wheel
 * stays in its slot and is skipped until its turn comes: with 1 ms ticks
 * and 4096 slots, a 32 s SYN-ACK timer is looked at 8 times. Owned by
 * one lcore; not thread-safe. Private header.
 */

#include <stdbool.h>
#include <stdint.h>

#define SF_TW_NONE UINT32_MAX

struct sf_tnode {
	uint32_t tn_next;    /* next id in the slot, or SF_TW_NONE */
	uint32_t tn_prev;    /* previous id, or SF_TW_NONE (slot head) */
	uint32_t tn_expire;  /* tick at which it fires */
};

struct sf_twheel {
	uint32_t tw_nb_ids;      /* timers ids 0..tw_nb_ids-1 */
	uint32_t tw_mask;        /* slots - 1 */
	uint32_t tw_now;         /* last tick processed */
	uint32_t tw_armed;       /* timers pending */
	uint32_t *tw_slot;       /* head id of each slot */
	struct sf_tnode *tw_node; /* one per id */
	uint8_t *tw_on;          /* 1 when id is armed */
};

/*
 * Set up a wheel of nb_slots (a power of two) for ids 0..nb_ids-1, the
 * clock at tick now. Returns 0 or -ENOMEM / -EINVAL.
 */
int sf_twheel_init(struct sf_twheel *tw, uint32_t nb_ids, uint32_t nb_slots,
		uint32_t now, int socket);

void sf_twheel_fini(struct sf_twheel *tw);

/* Arm (or re-arm) timer id to fire at tick expire. */
void sf_twheel_arm(struct sf_twheel *tw, uint32_t id, uint32_t expire);

/* Disarm timer id; nothing happens when it is not armed. */
void sf_twheel_cancel(struct sf_twheel *tw, uint32_t id);

static inline bool
sf_twheel_armed(const struct sf_twheel *tw, uint32_t id)
{
	return tw->tw_on[id] != 0;
}

/*
 * Fire every timer due at or before tick now, each once, in tick order,
 * calling fn(ctx, id) after disarming it (fn may re-arm it). Returns the
 * number fired.
 */
typedef void (*sf_twheel_fn)(void *ctx, uint32_t id);
unsigned int sf_twheel_advance(struct sf_twheel *tw, uint32_t now,
		sf_twheel_fn fn, void *ctx);

/* Serial-number comparison of ticks (RFC 1982 style): a before b. */
static inline bool
sf_tick_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

#endif /* SF_TWHEEL_H */
