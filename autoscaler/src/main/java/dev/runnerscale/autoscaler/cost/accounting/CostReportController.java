package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.cost.Money;
import dev.runnerscale.autoscaler.web.ProblemException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The finance report: {@code GET /api/v1/costs?from=YYYY-MM-DD&to=YYYY-MM-DD&group-by=...} over jobs whose runner
 * ended on those UTC days (both included), as JSON or, with {@code Accept: text/csv}, as CSV (RFC 4180).
 */
@RestController
class CostReportController {

    static final int MAX_DAYS = 400;
    static final MediaType TEXT_CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    /** One group of jobs; money as decimal strings (6 decimals). */
    record Item(String key, long jobs, long unpricedJobs, String usd, String onDemandUsd, String githubHostedUsd) {}

    /** The report; {@code totalUsd} is the sum of the items' {@code usd} (jobs with a known price). */
    record Report(
            String from,
            String to,
            String groupBy,
            String currency,
            String totalUsd,
            String idleUsd,
            long unpricedJobs,
            List<Item> items) {}

    private final JdbcCostLedger ledger;

    CostReportController(JdbcCostLedger ledger) {
        this.ledger = ledger;
    }

    @GetMapping(path = "/api/v1/costs", produces = MediaType.APPLICATION_JSON_VALUE)
    Report json(
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to,
            @RequestParam(name = "group-by", required = false) String groupBy) {
        return report(from, to, groupBy);
    }

    @GetMapping(path = "/api/v1/costs", produces = "text/csv")
    ResponseEntity<String> csv(
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to,
            @RequestParam(name = "group-by", required = false) String groupBy) {
        Report report = report(from, to, groupBy);
        StringBuilder out = new StringBuilder("key,jobs,unpriced_jobs,usd,on_demand_usd,github_hosted_usd\r\n");
        for (Item i : report.items()) {
            out.append(field(i.key()))
                    .append(',')
                    .append(i.jobs())
                    .append(',')
                    .append(i.unpricedJobs())
                    .append(',')
                    .append(i.usd())
                    .append(',')
                    .append(i.onDemandUsd())
                    .append(',')
                    .append(i.githubHostedUsd())
                    .append("\r\n");
        }
        String filename = "costs-" + report.from() + "-" + report.to() + "-" + report.groupBy() + ".csv";
        return ResponseEntity.ok()
                .contentType(TEXT_CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"")
                .body(out.toString());
    }

    /**
     * RFC 4180: a field with a comma, a quote or a line break is quoted, quotes doubled. A key a spreadsheet would
     * read as a formula ({@code = + - @} first) gets a leading apostrophe (OWASP's CSV-injection advice).
     */
    static String field(String value) {
        String v = value == null ? "" : value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    private Report report(String fromText, String toText, String groupByText) {
        LocalDate from = date("from", fromText);
        LocalDate to = date("to", toText);
        if (to.isBefore(from)) {
            throw badRequest("'to' (" + to + ") is before 'from' (" + from + ")");
        }
        if (ChronoUnit.DAYS.between(from, to) + 1 > MAX_DAYS) {
            throw badRequest("the window is longer than " + MAX_DAYS + " days");
        }
        if (groupByText == null || groupByText.isBlank()) {
            throw badRequest("the query parameter 'group-by' is required (repository, workflow, pool, day or month)");
        }
        JdbcCostLedger.GroupBy groupBy = JdbcCostLedger.GroupBy.fromWire(groupByText)
                .orElseThrow(() -> badRequest("'group-by' must be one of repository, workflow, pool, day, month"));
        var start = JdbcCostLedger.startOf(from);
        var end = JdbcCostLedger.startOf(to.plusDays(1));
        List<JdbcCostLedger.ReportRow> rows = ledger.report(start, end, groupBy);
        BigDecimal total = Money.ZERO;
        long unpriced = 0;
        List<Item> items = new java.util.ArrayList<>(rows.size());
        for (JdbcCostLedger.ReportRow r : rows) {
            total = total.add(r.usd());
            unpriced += r.jobs() - r.pricedJobs();
            items.add(new Item(
                    r.key(),
                    r.jobs(),
                    r.jobs() - r.pricedJobs(),
                    Money.format(r.usd()),
                    Money.format(r.onDemandUsd()),
                    Money.format(r.githubHostedUsd())));
        }
        return new Report(
                from.toString(),
                to.toString(),
                groupBy.wire(),
                "USD",
                Money.format(total),
                Money.format(ledger.idle(start, end)),
                unpriced,
                List.copyOf(items));
    }

    /**
     * A query string Tomcat cannot decode (bad percent-encoding, invalid UTF-8) is the client's input, not a 500.
     * (Other routes share the gap; see the report to the lead.)
     */
    @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
    ResponseEntity<ProblemDetail> undecodable(org.apache.tomcat.util.http.InvalidParameterException e) {
        ProblemException problem = badRequest("the query string is not valid percent-encoded UTF-8");
        return ResponseEntity.status(HttpStatus.BAD_REQUEST)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem.toProblemDetail());
    }

    private static LocalDate date(String name, String text) {
        if (text == null || text.isBlank()) {
            throw badRequest("the query parameter '" + name + "' is required (YYYY-MM-DD)");
        }
        if (text.length() != 10) {
            throw badRequest("'" + name + "' must be a date as YYYY-MM-DD");
        }
        try {
            return LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE);
        } catch (DateTimeParseException e) {
            throw badRequest("'" + name + "' must be a date as YYYY-MM-DD");
        }
    }

    private static ProblemException badRequest(String detail) {
        return new ProblemException(HttpStatus.BAD_REQUEST, "invalid-cost-query", "Invalid cost report query", detail);
    }
}
