# tests/layering/check_layering.cmake — fails when an #include crosses the pipeline's arrows:
#   daemon -> {fetch, parse, store} -> core
# and, inside parse/, the arrows between its rooms:
#   {feed, extract} -> text;  extract -> html -> text;  feed and extract never include each other.
# Run: cmake -DSOURCE_DIR=<repo> -P check_layering.cmake
cmake_minimum_required(VERSION 3.25)
set(allowed_core "core")
set(allowed_fetch "core;fetch")
set(allowed_parse "core;parse")
set(allowed_store "core;store")
set(allowed_daemon "core;fetch;parse;store;daemon")

# Rooms of parse/: what each may include of parse/ (core is open to all of them).
set(allowed_parse_text "text")
set(allowed_parse_html "text;html")
set(allowed_parse_feed "text;feed")
set(allowed_parse_extract "text;html;extract")
set(parse_rooms "text;html;feed;extract")

set(violations "")
foreach(module core fetch parse store daemon)
    file(GLOB_RECURSE sources "${SOURCE_DIR}/${module}/*.cpp" "${SOURCE_DIR}/${module}/*.hpp")
    foreach(source ${sources})
        file(RELATIVE_PATH relative "${SOURCE_DIR}" "${source}")
        set(room "")
        if(module STREQUAL "parse")
            string(REGEX REPLACE "^parse/([a-z_]+)/.*" "\\1" room "${relative}")
            if(NOT room IN_LIST parse_rooms)
                list(APPEND violations "${relative}: parse/ code lives in one of its rooms (${parse_rooms})")
                set(room "")
            endif()
        endif()
        file(STRINGS "${source}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"[a-z_]+/")
        foreach(line ${lines})
            string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([a-z_]+)/.*" "\\1" target "${line}")
            if(target MATCHES "^(core|fetch|parse|store|daemon)$" AND NOT target IN_LIST allowed_${module})
                list(APPEND violations "${relative}: ${module}/ must not include ${target}/ (${line})")
            endif()
            if(room AND target STREQUAL "parse")
                string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"parse/([a-z_]+)/.*" "\\1" target_room "${line}")
                if(NOT target_room IN_LIST allowed_parse_${room})
                    list(APPEND violations "${relative}: parse/${room}/ must not include parse/${target_room}/ (${line})")
                endif()
            endif()
        endforeach()
    endforeach()
endforeach()

if(violations)
    list(JOIN violations "\n  " report)
    message(FATAL_ERROR "Layering violations (daemon -> {fetch, parse, store} -> core; "
        "parse/: {feed, extract} -> text, extract -> html -> text):\n  ${report}")
endif()
message(STATUS "layering ok")
