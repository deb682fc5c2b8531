# syntax=docker/dockerfile:1
FROM debian:12
RUN <<EOF
apt-get update
USER root
EOF
COPY <<-CONF /etc/app.conf
	key=value
CONF
CMD ["app"]
