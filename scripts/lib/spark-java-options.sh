# The JVM options Spark needs on Java 17: the list Spark's own launcher passes (its JavaModuleOptions). Sourced by
# the lora launcher (for --spark) and scripts/spark-standalone.sh; pom.xml's spark.jvm.options is the same list for
# the tests.
spark_java_options="-XX:+IgnoreUnrecognizedVMOptions"
for spark_pkg in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
                 java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  spark_java_options="$spark_java_options --add-opens=java.base/$spark_pkg=ALL-UNNAMED"
done
spark_java_options="$spark_java_options --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED"
spark_java_options="$spark_java_options -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true"
unset spark_pkg
