# Install rules, the CMake package (find_package(mem0 CONFIG) -> mem0::mem0),
# the pkg-config file (mem0.pc) and CPack (cpack -G DEB). Included from the
# top-level CMakeLists.txt when MEM0_INSTALL is on.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(MEM0_LAYER_TARGETS GLOBAL PROPERTY MEM0_LAYER_TARGETS)
set(MEM0_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mem0)

install(TARGETS ${MEM0_LAYER_TARGETS} mem0
  EXPORT mem0Targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/mem0
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
if(MEM0_BUILD_TOOLS)
  install(TARGETS mem0_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  if(BUILD_SHARED_LIBS)
    set_target_properties(mem0_cli PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
  endif()
endif()

# CMake package. Static layer libraries carry their private dependencies'
# link interfaces ($<LINK_ONLY:CURL::libcurl>, ...), so mem0Config.cmake
# finds those packages first.
if(BUILD_SHARED_LIBS)
  set(MEM0_STATIC_LIBS OFF)
else()
  set(MEM0_STATIC_LIBS ON)
endif()
install(EXPORT mem0Targets NAMESPACE mem0:: DESTINATION ${MEM0_CMAKE_INSTALL_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/mem0Config.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/mem0Config.cmake INSTALL_DESTINATION ${MEM0_CMAKE_INSTALL_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/mem0ConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/mem0Config.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/mem0ConfigVersion.cmake DESTINATION ${MEM0_CMAKE_INSTALL_DIR})

# pkg-config: Libs lists the layers, dependents first; the third-party
# libraries the static layers need are in Requires.private and Libs.private
# (use `pkg-config --static --libs mem0` with the static libraries). libcurl
# is -lcurl in Libs.private rather than in Requires.private: libcurl.pc's own
# Libs.private lists what a static libcurl needs (nghttp2, ldap, ssh2, ...),
# whose -dev packages distributions do not install, and we link the shared one.
set(MEM0_PC_LIBS "")
list(REVERSE MEM0_LAYER_TARGETS)
foreach(target IN LISTS MEM0_LAYER_TARGETS)
  string(APPEND MEM0_PC_LIBS " -l${target}")
endforeach()
# Relocatable: paths relative to where mem0.pc is installed.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(MEM0_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH MEM0_PC_UP "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
  string(REGEX REPLACE "/$" "" MEM0_PC_UP "${MEM0_PC_UP}")
  set(MEM0_PC_PREFIX "\${pcfiledir}/${MEM0_PC_UP}")
endif()
cmake_path(APPEND MEM0_PC_LIBDIR "\${prefix}" "${CMAKE_INSTALL_LIBDIR}")
cmake_path(APPEND MEM0_PC_INCLUDEDIR "\${prefix}" "${CMAKE_INSTALL_INCLUDEDIR}")
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(MEM0_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(MEM0_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/mem0.pc.in ${CMAKE_CURRENT_BINARY_DIR}/mem0.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/mem0.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# cpack -G DEB: one package, mem0, with the CLI, headers, libraries, CMake
# package and mem0.pc. Depends come from dpkg-shlibdeps (the CLI's runtime
# libraries); the -dev packages that linking the static libraries needs are
# Recommends, so a CLI-only install stays small.
set(CPACK_PACKAGE_NAME mem0)
set(CPACK_PACKAGE_VENDOR "mem0-cpp")
set(CPACK_PACKAGE_CONTACT "mem0-cpp maintainers <mem0-cpp@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "mem0 agent memory for C++: conversation and graph stores on DynamoDB or SQLite, and the mem0 CLI")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
  "libcurl4-openssl-dev | libcurl-dev, libssl-dev, libsqlite3-dev, zlib1g-dev, libyaml-cpp-dev, libstemmer-dev, libcpp-httplib-dev, pkg-config | pkgconf")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/mem0ai/mem0")
include(CPack)
