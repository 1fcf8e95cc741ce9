# gen_enums.cmake - the C names of wg.proto's enums, generated at build time.
#
#   cmake -DPROTO=proto/wg.proto -DHEADER=OUT/wg/proto_enums.h \
#         -DCHECK=OUT/proto_enums_check.c -P proto/gen_enums.cmake
#
# Bots and the rules see plain C enums (a bot never includes protobuf-c):
# each top-level enum of PROTO becomes one typedef in HEADER, named from
# the proto, so a new enum or value needs no edit anywhere:
#
#   enum TurnType { TURN_DEPLOYMENT = 1; ... }
#   ->  typedef enum { WG_TURN_DEPLOYMENT = 1, ... } wg_turn_type_t;
#       #define WG_TURN_TYPE__MAX 4      (the largest value)
#
# i.e. WG_ before each value's proto name, wg_<snake_case>_t for the type.
# protobuf-c keeps no registry of a file's enums, so this reads the .proto
# text, strictly: any line inside an enum it does not understand is an
# error, never a value skipped. The parse is proved in CHECK, a C file
# compiled into libwgproto (proto/CMakeLists.txt): one _Static_assert per
# value against protoc-c's own constant (WGPB__V1__<ENUM>__<VALUE>), so a
# parsing slip is a build error; and wg_proto_enums_check(), which a unit
# test runs, compares each enum's values one to one with protoc-c's
# descriptor (a value the parse missed).
#
# Plain CMake, no python and no download: a bare Debian that builds wg
# (scripts/run-exercise) has cmake and protoc-c, nothing more.

# Enums NOT exported, with why. A turn type never needs this list.
set(EXCLUDED
    # Role: WG_ROLE_COMMAND would be ROLE_COMMAND = 2, but it is already the
    # adjudicator's role key 0 (wg/adjudicator.h); roles are keys in C.
    Role)

foreach(v PROTO HEADER CHECK)
    if(NOT DEFINED ${v})
        message(FATAL_ERROR "gen_enums.cmake: -D${v}=... is required")
    endif()
endforeach()

# CamelCase -> CAMEL_CASE as protoc-c spells it (CamelToUpper: an
# underscore where an upper-case letter follows one that is not).
function(camel_to_upper name out)
    set(rv "")
    set(was_upper TRUE)
    string(LENGTH "${name}" len)
    math(EXPR last "${len} - 1")
    foreach(i RANGE 0 ${last})
        string(SUBSTRING "${name}" ${i} 1 c)
        if(c MATCHES "[A-Z]")
            if(NOT was_upper)
                string(APPEND rv "_")
            endif()
            set(was_upper TRUE)
        else()
            set(was_upper FALSE)
        endif()
        string(TOUPPER "${c}" c)
        string(APPEND rv "${c}")
    endforeach()
    set(${out} "${rv}" PARENT_SCOPE)
endfunction()

# A proto comment as a C comment's text.
function(c_comment text out)
    string(STRIP "${text}" text)
    string(REPLACE "*/" "* /" text "${text}")
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

file(READ "${PROTO}" src)
if(src MATCHES "/\\*")
    message(FATAL_ERROR "${PROTO}: block comments are not read here; use //")
endif()
# One list element per line: ';' and brackets would split or join list
# elements, so they travel as placeholders until the header is written.
string(REPLACE "\\" "\\\\" src "${src}")
string(REPLACE ";" "<semi>" src "${src}")
string(REPLACE "[" "<lb>" src "${src}")
string(REPLACE "]" "<rb>" src "${src}")
string(REPLACE "\n" ";" lines "${src}")

set(package "")
set(depth 0)
set(enum "")       # the enum being read
set(enums "")      # every top-level enum, in order
set(pending "")    # comment lines just above a top-level declaration
set(lineno 0)
foreach(line IN LISTS lines)
    math(EXPR lineno "${lineno} + 1")
    set(where "${PROTO}:${lineno}")
    set(code "${line}")
    set(comment "")
    set(has_comment FALSE)
    string(FIND "${line}" "//" at)
    if(at GREATER -1)
        string(SUBSTRING "${line}" 0 ${at} code)
        math(EXPR at "${at} + 2")
        string(SUBSTRING "${line}" ${at} -1 comment)
        set(has_comment TRUE)
    endif()
    string(STRIP "${code}" code)

    if(depth EQUAL 0 AND code MATCHES "^package[ \t]+([A-Za-z0-9_.]+)[ \t]*<semi>$")
        set(package "${CMAKE_MATCH_1}")
    endif()
    if(depth EQUAL 0 AND code MATCHES "^enum[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*{$")
        set(enum "${CMAKE_MATCH_1}")
        list(APPEND enums "${enum}")
        set(E_${enum}_doc "${pending}")
        set(E_${enum}_values "")
        set(E_${enum}_body "")
        set(depth 1)
        set(pending "")
        continue()
    endif()
    if(depth EQUAL 0 AND code MATCHES "^enum[ \t]")
        message(FATAL_ERROR "${where}: cannot read '${code}' (gen_enums.cmake "
                            "reads 'enum Name {' on a line of its own)")
    endif()
    if(depth EQUAL 0)
        if(code STREQUAL "" AND has_comment)
            c_comment("${comment}" c)
            list(APPEND pending "${c}")
        else()
            set(pending "")
        endif()
    endif()

    if(NOT enum STREQUAL "")
        # Inside a top-level enum: values, options, reserved, comments.
        if(code STREQUAL "}")
            set(enum "")
            set(depth 0)
            continue()
        endif()
        c_comment("${comment}" c)
        if(code MATCHES "^([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(-?[0-9]+)[ \t]*(<lb>[^<]*<rb>)?[ \t]*<semi>$")
            set(name "${CMAKE_MATCH_1}")
            set(value "${CMAKE_MATCH_2}")
            if(value MATCHES "^-?0[0-9]")
                message(FATAL_ERROR "${where}: ${name}: octal values are not read here")
            endif()
            list(APPEND E_${enum}_values "${name}=${value}")
            list(APPEND E_${enum}_body "v|${name}|${value}|${c}")
        elseif(code MATCHES "^(option|reserved)[ \t]")
            # allow_alias, reserved numbers: nothing to export
        elseif(code STREQUAL "")
            if(has_comment)
                list(APPEND E_${enum}_body "c|${c}")
            endif()
        else()
            message(FATAL_ERROR "${where}: cannot read this line of enum "
                                "${enum}: '${code}' (gen_enums.cmake reads "
                                "one 'NAME = number;' per line)")
        endif()
        continue()
    endif()

    # Anywhere else: only the depth matters (nested enums are not exported).
    string(REGEX REPLACE "[^{]" "" opens "${code}")
    string(REGEX REPLACE "[^}]" "" closes "${code}")
    string(LENGTH "${opens}" nopen)
    string(LENGTH "${closes}" nclose)
    math(EXPR depth "${depth} + ${nopen} - ${nclose}")
endforeach()
if(NOT enum STREQUAL "")
    message(FATAL_ERROR "${PROTO}: enum ${enum} is not closed")
endif()
if(package STREQUAL "")
    message(FATAL_ERROR "${PROTO}: no package line")
endif()
if(enums STREQUAL "")
    message(FATAL_ERROR "${PROTO}: no top-level enum found")
endif()
string(TOUPPER "${package}" pb_prefix)
string(REPLACE "." "__" pb_prefix "${pb_prefix}")

get_filename_component(proto_name "${PROTO}" NAME)
set(h "/*
 * wg/proto_enums.h - GENERATED from proto/${proto_name} by
 * proto/gen_enums.cmake at build time; do not edit (it lives in the build
 * tree: build/include/wg/proto_enums.h). proto/${proto_name} is its source:
 * every top-level enum there is one C enum here, its values named WG_ and
 * the proto value's name, its type wg_<name>_t, and WG_<NAME>__MAX its
 * largest value. Proved against protoc-c's constants at build time
 * (proto_enums_check.c in libwgproto).
 *
 * Plain C, no protobuf: bots include it through wg/bot.h.
 */
#ifndef WG_PROTO_ENUMS_H
#define WG_PROTO_ENUMS_H
")
set(chk "/*
 * proto_enums_check.c - GENERATED by proto/gen_enums.cmake; do not edit.
 *
 * Proves wg/proto_enums.h, which gen_enums.cmake read from the .proto
 * text, against protoc-c's own output: every constant equals protoc-c's
 * (a build error otherwise), and wg_proto_enums_check() compares each
 * enum's values one to one with its descriptor (tests/unit).
 */
#include <stdio.h>
#include <string.h>

#include \"wg.pb-c.h\"
#include \"wg/proto_enums.h\"

#define SAME(c, pb) _Static_assert((int)(c) == (int)(pb), #c \" is not \" #pb)

struct wg_proto_value { const char *name; int value; };
struct wg_proto_enum {
    const ProtobufCEnumDescriptor *descriptor;
    const struct wg_proto_value *values;
    unsigned n;
};
")
set(table "")
set(asserts "")
foreach(enum IN LISTS enums)
    list(FIND EXCLUDED "${enum}" skip)
    if(skip GREATER -1)
        string(APPEND h "\n/* enum ${enum}: not exported (proto/gen_enums.cmake says why). */\n")
        continue()
    endif()
    camel_to_upper("${enum}" upper)
    string(TOLOWER "${upper}" lower)
    set(type "wg_${lower}_t")
    string(APPEND h "\n/* enum ${enum}")
    foreach(c IN LISTS E_${enum}_doc)
        string(APPEND h "\n * ${c}")
    endforeach()
    string(APPEND h " */\ntypedef enum {\n")
    set(max "")
    set(n 0)
    string(APPEND chk "\n/* ${enum} */\nstatic const struct wg_proto_value ${lower}_values[] = {\n")
    foreach(item IN LISTS E_${enum}_body)
        if(item MATCHES "^c\\|(.*)$")
            string(APPEND h "    /* ${CMAKE_MATCH_1} */\n")
            continue()
        endif()
        string(REGEX MATCH "^v\\|([^|]*)\\|([^|]*)\\|(.*)$" _ "${item}")
        set(name "${CMAKE_MATCH_1}")
        set(value "${CMAKE_MATCH_2}")
        set(c "${CMAKE_MATCH_3}")
        if(name STREQUAL "${upper}__MAX")
            message(FATAL_ERROR "${PROTO}: ${enum}.${name} would be WG_${upper}__MAX")
        endif()
        if(c STREQUAL "")
            string(APPEND h "    WG_${name} = ${value},\n")
        else()
            string(APPEND h "    WG_${name} = ${value}, /* ${c} */\n")
        endif()
        string(APPEND chk "    {\"${name}\", ${value}},\n")
        string(APPEND asserts "SAME(WG_${name}, ${pb_prefix}__${upper}__${name});\n")
        if(max STREQUAL "" OR value GREATER max)
            set(max "${value}")
        endif()
        math(EXPR n "${n} + 1")
    endforeach()
    if(n EQUAL 0)
        message(FATAL_ERROR "${PROTO}: enum ${enum} has no value")
    endif()
    string(APPEND h "} ${type};\n#define WG_${upper}__MAX ${max}\n")
    string(APPEND chk "};\n")
    string(APPEND table "    {&${package}__${lower}__descriptor, ${lower}_values,\n     sizeof ${lower}_values / sizeof *${lower}_values},\n")
endforeach()
string(REPLACE "." "__" table "${table}")
string(APPEND h "\n#endif\n")
string(APPEND chk "
${asserts}
static const struct wg_proto_enum wg_proto_enums[] = {
${table}};

/* 0 when every exported enum has exactly protoc-c's values; else -1 and
 * the first difference in why. */
int wg_proto_enums_check(char *why, size_t n);
int
wg_proto_enums_check(char *why, size_t n)
{
    for (size_t e = 0; e < sizeof wg_proto_enums / sizeof *wg_proto_enums; e++) {
        const struct wg_proto_enum *x = &wg_proto_enums[e];
        const ProtobufCEnumDescriptor *d = x->descriptor;
        if (d->n_values != x->n) {
            snprintf(why, n, \"%s: %u values generated, protoc-c has %u\",
                     d->name, x->n, d->n_values);
            return -1;
        }
        for (unsigned i = 0; i < x->n; i++) {
            const ProtobufCEnumValue *v =
                protobuf_c_enum_descriptor_get_value_by_name(d, x->values[i].name);
            if (!v || v->value != x->values[i].value) {
                snprintf(why, n, \"%s.%s: not %d in protoc-c's descriptor\",
                         d->name, x->values[i].name, x->values[i].value);
                return -1;
            }
        }
    }
    if (n)
        why[0] = '\\0';
    return 0;
}

unsigned wg_proto_enums_count(void);
unsigned
wg_proto_enums_count(void)
{
    return (unsigned)(sizeof wg_proto_enums / sizeof *wg_proto_enums);
}
")

# The placeholders of comments back to what they were.
string(REPLACE "<semi>" ";" h "${h}")
string(REPLACE "<lb>" "[" h "${h}")
string(REPLACE "<rb>" "]" h "${h}")

# Always written: the custom command's outputs are then newer than its
# inputs, and a build that changed nothing runs nothing.
file(WRITE "${HEADER}" "${h}")
file(WRITE "${CHECK}" "${chk}")
