/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "sf_twheel.h"

int
sf_twheel_init(struct sf_twheel *tw, uint32_t nb_ids, uint32_t nb_slots,
		uint32_t now, int socket)
{
	memset(tw, 0, sizeof(*tw));
	if (nb_slots == 0 || !rte_is_power_of_2(nb_slots) ||
	    nb_ids == 0 || nb_ids == SF_TW_NONE)
		return -EINVAL;
	tw->tw_slot = rte_malloc_socket("sf_tw_slot",
			sizeof(*tw->tw_slot) * nb_slots, 0, socket);
	tw->tw_node = rte_malloc_socket("sf_tw_node",
			sizeof(*tw->tw_node) * nb_ids, 0, socket);
	tw->tw_on = rte_zmalloc_socket("sf_tw_on", nb_ids, 0, socket);
	if (tw->tw_slot == NULL || tw->tw_node == NULL || tw->tw_on == NULL) {
		sf_twheel_fini(tw);
		return -ENOMEM;
	}
	memset(tw->tw_slot, 0xff, sizeof(*tw->tw_slot) * nb_slots);
	tw->tw_nb_ids = nb_ids;
	tw->tw_mask = nb_slots - 1;
	tw->tw_now = now;
	return 0;
}

void
sf_twheel_fini(struct sf_twheel *tw)
{
	rte_free(tw->tw_slot);
	rte_free(tw->tw_node);
	rte_free(tw->tw_on);
	memset(tw, 0, sizeof(*tw));
}

static void
sf_twheel_unlink(struct sf_twheel *tw, uint32_t id)
{
	struct sf_tnode *n = &tw->tw_node[id];

	if (n->tn_prev == SF_TW_NONE)
		tw->tw_slot[n->tn_expire & tw->tw_mask] = n->tn_next;
	else
		tw->tw_node[n->tn_prev].tn_next = n->tn_next;
	if (n->tn_next != SF_TW_NONE)
		tw->tw_node[n->tn_next].tn_prev = n->tn_prev;
	tw->tw_on[id] = 0;
	tw->tw_armed--;
}

__rte_always_inline void
sf_twheel_arm(struct sf_twheel *tw, uint32_t id, uint32_t expire)
{
	struct sf_tnode *n = &tw->tw_node[id];
	uint32_t *head;

	if (tw->tw_on[id])
		sf_twheel_unlink(tw, id);
	/* A time already past fires at the next advance. */
	if (!sf_tick_before(tw->tw_now, expire))
		expire = tw->tw_now + 1;
	head = &tw->tw_slot[expire & tw->tw_mask];
	n->tn_expire = expire;
	n->tn_prev = SF_TW_NONE;
	n->tn_next = *head;
	if (*head != SF_TW_NONE)
		tw->tw_node[*head].tn_prev = id;
	*head = id;
	tw->tw_on[id] = 1;
	tw->tw_armed++;
}

void
sf_twheel_cancel(struct sf_twheel *tw, uint32_t id)
{
	if (tw->tw_on[id])
		sf_twheel_unlink(tw, id);
}

unsigned int
sf_twheel_advance(struct sf_twheel *tw, uint32_t now, sf_twheel_fn fn,
		void *ctx)
{
	unsigned int fired = 0;
	uint32_t t, id, *head;

	/*
	 * Walk each tick from the last one processed, and in its slot fire
	 * only what is due by that tick: a timer fires on the first visit
	 * of its slot at or after its tick, so timers fire in tick order
	 * even after a stall longer than a turn (where walking one turn and
	 * firing everything due by now would fire them in slot order).
	 * With nothing armed the walk jumps straight to now.
	 */
	while (sf_tick_before(tw->tw_now, now)) {
		if (tw->tw_armed == 0) {
			tw->tw_now = now;
			break;
		}
		t = ++tw->tw_now;
		head = &tw->tw_slot[t & tw->tw_mask];
		id = *head;
		while (id != SF_TW_NONE) {
			if (sf_tick_before(t, tw->tw_node[id].tn_expire)) {
				id = tw->tw_node[id].tn_next;
				continue;
			}
			sf_twheel_unlink(tw, id);
			fired++;
			fn(ctx, id);
			/*
			 * fn may have armed or cancelled any timer, the next
			 * one in this slot included: start the slot again
			 * (what it re-arms is due after t, so this ends).
			 */
			id = *head;
		}
	}
	return fired;
}
