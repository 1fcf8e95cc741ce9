/*
 * wg_cmocka.h - the one way tests include cmocka.
 *
 * cmocka.h needs these four headers first, in this order; keeping them here
 * stops include sorting from breaking the order in each test.
 */
#ifndef WG_CMOCKA_H
#define WG_CMOCKA_H
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on
#endif
