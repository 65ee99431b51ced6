# Runs at install time (cmake --install, cpack): installs the files whose place depends on the
# installation prefix as chosen then, not at configure time. With the prefix /usr (the packages)
# the configuration goes to /etc and the unit to /lib/systemd/system, otherwise both go under
# the prefix. Expects DMARC_INSTALLER_SOURCE_DIR, DMARC_INSTALLER_BINARY_DIR and
# DMARC_INSTALLER_BINDIR (CMAKE_INSTALL_BINDIR).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(dmarc_sysconf_dir /etc)
    set(dmarc_unit_dir /lib/systemd/system)
else()
    set(dmarc_sysconf_dir ${CMAKE_INSTALL_PREFIX}/etc)
    set(dmarc_unit_dir ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()
if(IS_ABSOLUTE "${DMARC_INSTALLER_BINDIR}")
    set(DMARC_INSTALLED_BINARY ${DMARC_INSTALLER_BINDIR}/dmarc-metrics-exporter)
else()
    set(DMARC_INSTALLED_BINARY ${CMAKE_INSTALL_PREFIX}/${DMARC_INSTALLER_BINDIR}/dmarc-metrics-exporter)
endif()
set(DMARC_INSTALLED_CONFIG ${dmarc_sysconf_dir}/dmarc-metrics-exporter.json)

set(dmarc_unit ${DMARC_INSTALLER_BINARY_DIR}/install-time/dmarc-metrics-exporter.service)
configure_file(${DMARC_INSTALLER_SOURCE_DIR}/systemd/dmarc-metrics-exporter.service.in
    ${dmarc_unit} @ONLY)
file(INSTALL ${dmarc_unit} DESTINATION ${dmarc_unit_dir}
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# Only written when absent, so that installing over an existing installation keeps the
# administrator's file. It holds the IMAP password: not readable by others.
if(EXISTS "$ENV{DESTDIR}${DMARC_INSTALLED_CONFIG}")
    message(STATUS "Keeping: $ENV{DESTDIR}${DMARC_INSTALLED_CONFIG}")
else()
    file(INSTALL ${DMARC_INSTALLER_SOURCE_DIR}/dmarc-metrics-exporter.json
        DESTINATION ${dmarc_sysconf_dir}
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
endif()
