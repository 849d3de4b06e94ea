# semstream: the streaming embedder and its CLI. Build: docker build -t semstream .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY schemas schemas
COPY topology topology
COPY src src
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/semstream.jar /app/semstream.jar
COPY --from=build /src/target/lib /app/lib
# The SIMD kernels need the incubating Vector API.
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "-cp", "/app/semstream.jar:/app/lib/*", "dev.semstream.cli.Main"]
CMD ["run", "--data-dir", "/data"]
