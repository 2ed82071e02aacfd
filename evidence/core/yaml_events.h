/* evidence/core/yaml_events.h -- libyaml's event loop, once
 *
 * Two readers build their own trees from libyaml's events: core/yaml.c
 * (pointers, allowlists) and evidence/recipe_tree.c (a recipe as yaml.v3
 * reads it). They share the loop that feeds the events and disposes of
 * them; each keeps its own handling of the events and its own wording of
 * a text libyaml refuses.
 */
#ifndef AE_CORE_YAML_EVENTS_H
#define AE_CORE_YAML_EVENTS_H

#include "evidence/core/ae.h"

#include <yaml.h>

/* One event to a builder: 0 to go on, 1 when the stream ended, < 0 a
 * failure (err set). */
typedef int (*ae_yaml_event_fn)(void *ctx, const yaml_event_t *ev, ae_err *err);
/* libyaml refused the text: the builder words the failure from the
 * parser's problem, mark and context, and returns its code (< 0). */
typedef int (*ae_yaml_refused_fn)(void *ctx, const yaml_parser_t *parser,
				  ae_err *err);

/* Parses the `len` bytes of `buf` event by event into on_event until the
 * stream ends, a handler fails or libyaml refuses the text (on_refused).
 * AE_ERR when the parser cannot be set up. */
int ae_yaml_events(const unsigned char *buf, size_t len,
		   ae_yaml_event_fn on_event, ae_yaml_refused_fn on_refused,
		   void *ctx, ae_err *err);

#endif
