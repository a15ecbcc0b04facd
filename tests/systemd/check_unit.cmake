# tests/systemd/check_unit.cmake — the unit as installed (binary path filled in) must pass
# `systemd-analyze verify` and score an exposure of at most 2.0 in `systemd-analyze security`.
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/man/man1")
file(COPY "${MAN_PAGE}" DESTINATION "${WORK_DIR}/man/man1")
set(FEEDKEEPER_BINARY "${BINARY}")
set(FEEDKEEPER_CONFIG_DIR "/etc/feedkeeper")
configure_file("${UNIT_TEMPLATE}" "${WORK_DIR}/feedkeeper.service" @ONLY)

set(ENV{MANPATH} "${WORK_DIR}/man")
execute_process(COMMAND systemd-analyze verify "${WORK_DIR}/feedkeeper.service" RESULT_VARIABLE verify_result OUTPUT_VARIABLE verify_out ERROR_VARIABLE verify_err)
if(NOT verify_result EQUAL 0)
    message(FATAL_ERROR "systemd-analyze verify failed:\n${verify_out}${verify_err}")
endif()
execute_process(COMMAND systemd-analyze security --offline=true --threshold=20 "${WORK_DIR}/feedkeeper.service"
    RESULT_VARIABLE security_result OUTPUT_VARIABLE security_out ERROR_VARIABLE security_err)
string(REGEX MATCH "Overall exposure level for feedkeeper.service: [0-9.]+ [A-Z]+" overall "${security_out}")
message(STATUS "${overall}")
if(NOT security_result EQUAL 0)
    message(FATAL_ERROR "exposure above 2.0:\n${security_out}${security_err}")
endif()
