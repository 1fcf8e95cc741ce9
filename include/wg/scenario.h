/*
 * wg/scenario.h - the exercise scenario: every rule table as data.
 *
 * A scenario is loaded once from a YAML file (configs/scenarios/), validated
 * whole, and then handed around as `const wg_scenario_t *`. The struct is
 * plain data with fixed-size arrays, so a loaded scenario can be copied and
 * freed with free(). Errors name file, line, column and what is wrong.
 */
#ifndef WG_SCENARIO_H
#define WG_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* wg_turn_type_t (TurnType) and wg_roe_action_t (RoeAction): generated
 * from proto/wg.proto into the build tree (build/include/wg/proto_enums.h;
 * proto/gen_enums.cmake). */
#include "wg/proto_enums.h"

#define WG_MAX_NATIONS 16
#define WG_MAX_SECTORS 12
#define WG_MAX_INCIDENT_TYPES 12
#define WG_MAX_REGIMES 6
#define WG_MAX_TURNS 400
#define WG_MAX_EVENTS 32
#define WG_MAX_INJECTS 16
#define WG_NAME_MAX 64
#define WG_CODE_MAX 8 /* nation and sector codes, with the NUL */

typedef enum {
    WG_MANDATE_PEACEKEEPING = 0,
    WG_MANDATE_DETERRENCE = 1,
} wg_mandate_t;

typedef enum {
    WG_AUSPICES_UN = 0,
    WG_AUSPICES_COALITION = 1,
} wg_auspices_t;

/* Who sees what (docs/PROTOCOL.md, "Who sees what"; wg/share.h). */
typedef enum {
    WG_SHARING_FULL = 0,      /* every role sees every unit (the default) */
    WG_SHARING_COALITION = 1, /* totals for all; units to their own nation */
    WG_SHARING_NATIONAL = 2,  /* a nation sees its own and the public picture */
} wg_sharing_t;

/* What a nation's worker plays when its team misses a deadline. */
typedef enum {
    WG_FALLBACK_HOLD = 0,   /* keep what is deployed, pledge nothing new */
    WG_FALLBACK_REPEAT = 1, /* repeat its last orders of the same kind */
    WG_FALLBACK_BOT = 2,    /* the built-in bot decides */
} wg_fallback_t;

/* How incidents of one type are drawn. */
typedef enum {
    WG_RATE_PER_100KM = 0,       /* raw violations per 100 km per turn */
    WG_RATE_PER_SECTOR = 1,      /* direct events per sector per turn */
    WG_RATE_PER_1000_TROOPS = 2, /* per 1,000 deployed troops per turn */
} wg_rate_basis_t;

/*
 * When a nation may put troops into the theatre. All conditions must hold;
 * a condition left at its zero value does not apply.
 */
typedef struct {
    bool closed;             /* never, whatever else holds */
    bool rear_only;          /* only in rear sectors */
    bool needs_un;           /* auspices must be UN */
    bool needs_peacekeeping; /* mandate must be peacekeeping */
    bool needs_deterrence;   /* mandate must be deterrence */
    bool needs_us_enablers;  /* the US must provide enablers */
    uint32_t opens_turn;     /* a political event opens it at this turn */
    uint32_t truce_turns;    /* truce must have held this many turns */
} wg_gate_t;

typedef struct {
    char code[WG_CODE_MAX]; /* ISO 3166 alpha-3 */
    char name[WG_NAME_MAX];
    uint32_t max_troops;   /* ceiling in theatre */
    uint32_t surge_troops; /* ceiling under a deterrence mandate; 0 = max */
    uint32_t unit_size;    /* troops per rotating unit */
    uint32_t tour_weeks;
    uint32_t prep_weeks;
    uint32_t recovery_weeks;
    wg_gate_t gate;
    double cohesion_start; /* 0..100 */
    double kia_weight;     /* cohesion lost per soldier killed, relative */
    double risk_tolerance; /* 0..1: how the built-in bot answers fire */
    double max_threat;     /* caveat: no sector above this threat */
    wg_fallback_t fallback;
    uint32_t avoid_sectors; /* caveat: bit i set, never in sector i */
    /* Troops the nation can commit in all (deployed, preparing, ready,
     * recovering), less its killed and wounded; 0 = no limit. */
    uint32_t manpower;
    /* Weeks an entry force prepares before it deploys; 0 = prep_weeks. */
    uint32_t entry_prep_weeks;
    /* Weeks between renewals of the national mandate: a nation decides
     * whether to stay (cohesion against leave_at_tour_end_below) only at
     * a renewal; 0 = every turn. */
    uint32_t mandate_weeks;
} wg_nation_t;

typedef struct {
    char code[WG_CODE_MAX];
    char name[WG_NAME_MAX];
    uint32_t length_km;
    double threat; /* multiplier of incident rates */
    bool rear;     /* hubs away from the line */
} wg_sector_t;

typedef struct {
    char name[WG_NAME_MAX];
    wg_rate_basis_t basis;
    double rate;         /* mean events per basis unit per turn */
    bool raw;            /* a raw violation: drives stability, exposure */
    double p_casualties; /* P(any casualties) per event reaching troops */
    double kia_mean;     /* Poisson mean, given casualties */
    double wia_mean;
    double p_strike;      /* drone overflight turning into a strike */
    double coverage_loss; /* per event, for jamming; no casualties */
    bool violation;       /* a ceasefire violation the SMM would count (fire) */
    bool armed; /* there is fire to return (not unrest, mines, jamming) */
} wg_incident_type_t;

typedef struct {
    char name[WG_NAME_MAX];
    double multiplier;      /* on every rate */
    double exposure_factor; /* on the share reaching troops */
    uint32_t min_turns;     /* spike regimes last 1..max_turns */
    uint32_t max_turns;
    double direct_multiplier; /* on direct (non-raw) event rates; 0 = 1 */
    double escalation_push;   /* P(one step up) per turn: the adversary */
} wg_regime_t;

typedef struct {
    double exposure_line;    /* share of raw events reaching troops, line */
    double exposure_rear;    /* the same at rear hubs */
    uint32_t managed_regime; /* index of the managed-truce regime */
    uint32_t hot_regime;
    double p_hot_after_recommit; /* per turn, hot returns after recommitment */
    double p_hot_from_managed;   /* unused since rules 2 (stability sets it) */
    double reference_density;    /* troops per km at which exposure is 1 */
    double density_cap;          /* exposure factor at most */
} wg_threat_t;

/* How presence deters and thinness invites probing (raw violations). */
typedef struct {
    double probe_factor;            /* on raw rates where nothing is held */
    double held_factor_robust;      /* where fully held, under robust ROE */
    double held_factor_restrictive; /* where fully held, restrictive ROE */
} wg_deterrence_t;

typedef struct {
    double p_up_restrictive; /* per exposed incident */
    double p_up_robust;
    double us_enabler_factor; /* multiplies P(step up) */
    double reinforce_delta;   /* added to P(step up) in reinforced sectors */
    double p_down_quiet;      /* per quiet turn */
    uint32_t max_level;       /* 4: truce collapse */
    uint32_t reinforce_units; /* reserve units moved per reinforced sector */
} wg_escalation_t;

typedef struct {
    double per_kia;       /* times kia_weight, per national soldier killed */
    uint32_t bad_day_kia; /* killed in one turn for the extra penalty */
    double bad_day_penalty;
    double quiet_gain; /* per casualty-free turn */
    double cap_above_start;
    uint32_t escalation_level; /* at or above this level, the per-turn loss */
    double escalation_penalty;
    double ally_withdraw_penalty;
    double no_rotation_below; /* no new units prepared */
    double leave_at_tour_end_below;
    double leave_now_below;
} wg_cohesion_t;

/* What a contingent's answer to an incident does, indexed by
 * wg_roe_action_t (RoeAction, wg/proto_enums.h): index 0 unused. */
#define WG_ROE_COUNT (WG_ROE_ACTION__MAX + 1)

typedef struct {
    double casualty_factor;   /* on P(any casualties) */
    double escalation_factor; /* on P(step up) */
    double coverage_factor;   /* on the sector's coverage this turn */
} wg_roe_effect_t;

typedef struct {
    double start;           /* 0..100 */
    double quiet_gain;      /* per turn below the expected violations */
    double per_excess;      /* per 100% of violations above expected */
    double escalation_loss; /* per escalation level, per turn */
    double recommit_gain;
    double baseline;            /* what it reverts to */
    double reversion;           /* share of the way back per turn */
    double gap_loss;            /* per turn, times the line's uncovered share */
    double p_break_at_zero;     /* P(breakdown) per managed turn at 0 */
    double break_exponent;      /* P = p_break_at_zero x (1 - s/100)^this */
    double p_recommit;          /* P(a called recommitment takes) */
    uint32_t recommit_cooldown; /* incident turns between two calls */
    uint32_t fragile_turns;     /* turns a recommitted truce is fragile */
} wg_stability_t;

typedef struct {
    uint32_t target_troops;       /* force the command asks for in theatre */
    double reserve_share;         /* share held in the rear as reserve */
    bool robust_roe;              /* the command's standing ROE */
    uint32_t recommit_escalation; /* calls a recommitment at this level */
} wg_command_profile_t;

typedef enum {
    WG_EVENT_OPEN_GATE = 0, /* nation's opens_turn gate is reached */
    WG_EVENT_REGIME = 1,    /* force an incident regime */
    WG_EVENT_NOTE = 2,      /* a line in the turn's events, no effect */
} wg_event_kind_t;

typedef struct {
    uint32_t turn;
    wg_event_kind_t kind;
    uint32_t regime;  /* for WG_EVENT_REGIME */
    int32_t nation;   /* for WG_EVENT_OPEN_GATE; else -1 */
    uint32_t sectors; /* WG_EVENT_REGIME: bit i, the regime hits sector i;
                         0 = every sector */
    char text[WG_NAME_MAX * 2];
} wg_event_t;

/*
 * An event the director injects (docs/RULES.md, "Injects"): `count`
 * incidents of one type in one sector against one nation, entered into an
 * incident turn (common/rules_inject.c). The scenario's `injects:` list
 * names them; the director fires a listed one by name or composes one at
 * the console (name empty).
 */
typedef struct {
    char name[WG_NAME_MAX]; /* "" for an ad-hoc one */
    uint32_t turn;          /* the incident turn it enters; 0: by hand */
    uint8_t sector;
    int8_t nation; /* -1: the nation with most troops in the sector */
    uint8_t type;  /* incident type */
    uint32_t count;
    char text[WG_NAME_MAX * 2];
} wg_inject_t;

typedef struct {
    char name[WG_NAME_MAX];
    char path[512];   /* the file it was loaded from */
    uint8_t hash[32]; /* SHA-256 of the file's bytes */
    uint64_t seed;
    wg_mandate_t mandate;
    wg_auspices_t auspices;
    bool us_enablers;
    uint32_t turn_weeks;  /* weeks per incident turn */
    uint32_t deadline_ms; /* per phase */
    wg_sharing_t sharing; /* what the PUB carries and what goes to one role */

    wg_nation_t nations[WG_MAX_NATIONS];
    size_t n_nations;
    wg_sector_t sectors[WG_MAX_SECTORS];
    size_t n_sectors;
    wg_incident_type_t incident_types[WG_MAX_INCIDENT_TYPES];
    size_t n_incident_types;
    wg_regime_t regimes[WG_MAX_REGIMES];
    size_t n_regimes;
    wg_threat_t threat;
    wg_escalation_t escalation;
    wg_deterrence_t deterrence;
    wg_cohesion_t cohesion;
    wg_stability_t stability;
    wg_roe_effect_t roe[WG_ROE_COUNT];
    wg_command_profile_t command;
    wg_event_t events[WG_MAX_EVENTS];
    size_t n_events;

    wg_turn_type_t plan[WG_MAX_TURNS]; /* turn i+1 is plan[i] */
    size_t n_turns;
    wg_inject_t injects[WG_MAX_INJECTS]; /* the director's events list */
    size_t n_injects;
} wg_scenario_t;

/* Where a config error was found. */
typedef struct {
    char file[512];
    unsigned line;   /* 1-based */
    unsigned column; /* 1-based */
    char message[256];
} wg_config_error_t;

/*
 * Loads and validates a scenario. On success returns 0 and a new scenario in
 * *out (free() it). On failure returns a negative code, *out is NULL and *err
 * says where and what.
 */
int wg_scenario_load(const char *path, wg_scenario_t **out,
                     wg_config_error_t *err);

/* Largest scenario file: a scenario is about 17 KB, and a larger file is
 * refused before it is parsed (so a log header's cannot stall a reader). */
#define WG_SCENARIO_MAX_BYTES ((size_t)1 << 20)

/* The same, from bytes in memory; `name` stands for the file in errors. */
int wg_scenario_parse(const char *name, const char *text, size_t len,
                      wg_scenario_t **out, wg_config_error_t *err);

/* Index of a nation or sector by code, or -1. */
int wg_scenario_nation_index(const wg_scenario_t *self, const char *code);
int wg_scenario_sector_index(const wg_scenario_t *self, const char *code);

/* Index of a scenario inject, or of an incident type, by name, or -1. */
int wg_scenario_inject_index(const wg_scenario_t *self, const char *name);
int wg_scenario_incident_type_index(const wg_scenario_t *self,
                                    const char *name);

/* Ceiling in theatre under this scenario's mandate. */
uint32_t wg_nation_ceiling(const wg_scenario_t *self, const wg_nation_t *n);

/* Writes "file:line:column: message" to stderr. */
void wg_config_error_print(const wg_config_error_t *err);

#endif
