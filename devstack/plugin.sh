#!/bin/bash
#
# The devstack plugin of cyborg-fpga. devstack sources this file once per
# phase, with the mode and phase as arguments:
#   stack install | post-config | extra | test-config, unstack, clean.
# The steps themselves are in lib/cyborg-fpga.

_XTRACE_CYBORG_FPGA_PLUGIN=$(set +o | grep xtrace)
set -o xtrace

# shellcheck source=devstack/lib/cyborg-fpga
source "$CYBORG_FPGA_DIR/devstack/lib/cyborg-fpga"

if is_service_enabled cyborg-fpga-api cyborg-fpga-cond cyborg-fpga-agent; then
    if [[ "$1" == "stack" && "$2" == "install" ]]; then
        echo_summary "Installing cyborg-fpga"
        install_cyborg_fpga
    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        echo_summary "Configuring cyborg-fpga"
        configure_cyborg_fpga
        create_cyborg_fpga_accounts
        init_cyborg_fpga
    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        echo_summary "Starting cyborg-fpga"
        start_cyborg_fpga
        upload_cyborg_fpga_sample_bitstream
    elif [[ "$1" == "stack" && "$2" == "test-config" ]]; then
        configure_cyborg_fpga_tempest
    fi

    if [[ "$1" == "unstack" ]]; then
        stop_cyborg_fpga
    fi

    if [[ "$1" == "clean" ]]; then
        cleanup_cyborg_fpga
    fi
fi

$_XTRACE_CYBORG_FPGA_PLUGIN
