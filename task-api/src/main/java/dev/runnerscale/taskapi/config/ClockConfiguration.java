package dev.runnerscale.taskapi.config;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ClockConfiguration {

    /** Injected wherever "now" matters (clock-skew check, token times) so that tests can fix time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
