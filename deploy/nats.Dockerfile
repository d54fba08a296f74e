# A node of the NATS JetStream cluster: the official nats-server, built from its Go module by
# deploy/build.sh as a static binary, and deploy/nats.conf. No base image.
FROM scratch
COPY --chown=65532:65532 bin/rootfs/ /
COPY bin/nats-server /nats-server
COPY nats.conf /etc/nats/nats.conf
USER 65532:65532
EXPOSE 4222 6222 8222
ENTRYPOINT ["/nats-server", "--config", "/etc/nats/nats.conf"]
