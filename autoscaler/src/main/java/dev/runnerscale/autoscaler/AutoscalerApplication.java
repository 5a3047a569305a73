package dev.runnerscale.autoscaler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class AutoscalerApplication {

    public static void main(String[] args) {
        SpringApplication.run(AutoscalerApplication.class, args);
    }
}
