# semstream: the streaming embedder and its CLI. Build: docker build -t semstream .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY schemas schemas
COPY topology topology
COPY src src
# The embedded registry's runner zip (142 MB) serves only `run` without --schema-registry-url; the image
# runs against a registry of its own (docker-compose.yml), so the zip stays out.
RUN mvn -q -B -DskipTests package && rm -f target/lib/apicurio-registry-app-*-all.zip

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/semstream.jar /app/semstream.jar
COPY --from=build /src/target/lib /app/lib
# The generator semstream ships; `run` looks for it at model/semstream-gpt under the working directory.
COPY model/semstream-gpt /app/model/semstream-gpt
# Each container its own Streams state: an anonymous volume per replica, never one shared by several.
VOLUME ["/data"]
EXPOSE 7070
# The SIMD kernels need the incubating Vector API.
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "-cp", "/app/semstream.jar:/app/lib/*", "dev.semstream.cli.Main"]
# The compose stack's services by default. --http-host 0.0.0.0 listens on every interface and advertises
# the container's host name, so each replica reaches the others by their own names.
CMD ["run", "--bootstrap-servers", "kafka:9092", "--schema-registry-url", "http://schema-registry:8081", "--data-dir", "/data", "--http-host", "0.0.0.0", "--http-port", "7070"]
