# cmake -DBUILD_DIR=... -DTARGET=... -DEXPECTATION=VIOLATION|CONTROL [-DHEADER=...] -P checkwall.cmake
# Builds TARGET in BUILD_DIR. A VIOLATION passes when the compiler stops because HEADER is not
# there; a CONTROL passes when it builds.
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(EXPECTATION STREQUAL "CONTROL")
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "${TARGET} includes only headers its module may use, yet did not "
                            "build:\n${output}")
    endif()
    message(STATUS "${TARGET} builds")
    return()
endif()
if(result EQUAL 0)
    message(FATAL_ERROR "${TARGET} built, but its module may not see ${HEADER}")
endif()
string(FIND "${output}" "${HEADER}: No such file or directory" at)
if(at EQUAL -1)
    message(FATAL_ERROR "${TARGET} failed, but not for want of ${HEADER}:\n${output}")
endif()
message(STATUS "${TARGET} does not build: ${HEADER} is behind the wall")
