"""The shared case engine (诉求 / 工单): intake, states, SLA clocks, escalation, feedback."""
