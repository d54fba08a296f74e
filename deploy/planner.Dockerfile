# The planner service (DESIGN.md §1): its static binary, built by deploy/build.sh, and nothing
# else. Settings come from flags and environment variables (see the README).
FROM scratch
COPY --chown=65532:65532 bin/rootfs/ /
COPY bin/planner /planner
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/planner"]
