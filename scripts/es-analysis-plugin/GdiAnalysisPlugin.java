/*
 * Language analysers and the two token filters the catalogue's index uses, for Elasticsearch's
 * integ-test-zip distribution.
 *
 * That distribution (the one Maven Central publishes) leaves out the analysis-common module, although
 * the Lucene classes behind it (lucene-analysis-common) ship in its lib/ folder. This plugin registers
 * those Lucene analysers under the names the full distribution uses ("english", "greek", ...), plus
 * "asciifolding" and "edge_ngram", so the catalogue's index mapping is the same for a test node and a
 * production cluster (where this plugin is not installed: analysis-common provides the same names).
 * Analyser settings (custom stopwords, stem exclusions) are not supported; the catalogue uses none.
 */
package eu.gdi.catalogue.analysis;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

public class GdiAnalysisPlugin extends Plugin implements AnalysisPlugin {

    private static final Map<String, Supplier<Analyzer>> LANGUAGES = new HashMap<>();

    static {
        LANGUAGES.put("english", org.apache.lucene.analysis.en.EnglishAnalyzer::new);
        LANGUAGES.put("french", org.apache.lucene.analysis.fr.FrenchAnalyzer::new);
        LANGUAGES.put("german", org.apache.lucene.analysis.de.GermanAnalyzer::new);
        LANGUAGES.put("romanian", org.apache.lucene.analysis.ro.RomanianAnalyzer::new);
        LANGUAGES.put("hungarian", org.apache.lucene.analysis.hu.HungarianAnalyzer::new);
        LANGUAGES.put("greek", org.apache.lucene.analysis.el.GreekAnalyzer::new);
        LANGUAGES.put("italian", org.apache.lucene.analysis.it.ItalianAnalyzer::new);
        LANGUAGES.put("spanish", org.apache.lucene.analysis.es.SpanishAnalyzer::new);
        LANGUAGES.put("dutch", org.apache.lucene.analysis.nl.DutchAnalyzer::new);
        LANGUAGES.put("portuguese", org.apache.lucene.analysis.pt.PortugueseAnalyzer::new);
        LANGUAGES.put("swedish", org.apache.lucene.analysis.sv.SwedishAnalyzer::new);
        LANGUAGES.put("finnish", org.apache.lucene.analysis.fi.FinnishAnalyzer::new);
        LANGUAGES.put("danish", org.apache.lucene.analysis.da.DanishAnalyzer::new);
        LANGUAGES.put("czech", org.apache.lucene.analysis.cz.CzechAnalyzer::new);
        LANGUAGES.put("norwegian", org.apache.lucene.analysis.no.NorwegianAnalyzer::new);
        LANGUAGES.put("bulgarian", org.apache.lucene.analysis.bg.BulgarianAnalyzer::new);
        LANGUAGES.put("latvian", org.apache.lucene.analysis.lv.LatvianAnalyzer::new);
        LANGUAGES.put("lithuanian", org.apache.lucene.analysis.lt.LithuanianAnalyzer::new);
        LANGUAGES.put("irish", org.apache.lucene.analysis.ga.IrishAnalyzer::new);
        LANGUAGES.put("catalan", org.apache.lucene.analysis.ca.CatalanAnalyzer::new);
        LANGUAGES.put("estonian", org.apache.lucene.analysis.et.EstonianAnalyzer::new);
        LANGUAGES.put("basque", org.apache.lucene.analysis.eu.BasqueAnalyzer::new);
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> out = new HashMap<>();
        LANGUAGES.forEach((name, factory) -> out.put(name,
            (indexSettings, environment, analyzerName, settings) -> new LanguageAnalyzerProvider(analyzerName, settings, factory)));
        return out;
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> out = new HashMap<>();
        out.put("asciifolding", (indexSettings, environment, name, settings) -> new AbstractTokenFilterFactory(name, settings) {
            @Override
            public TokenStream create(TokenStream stream) {
                return new ASCIIFoldingFilter(stream, settings.getAsBoolean("preserve_original", false));
            }
        });
        out.put("edge_ngram", AnalysisPlugin.requiresAnalysisSettings((indexSettings, environment, name, settings) -> {
            int min = settings.getAsInt("min_gram", 1);
            int max = settings.getAsInt("max_gram", 2);
            boolean preserve = settings.getAsBoolean("preserve_original", false);
            return new AbstractTokenFilterFactory(name, settings) {
                @Override
                public TokenStream create(TokenStream stream) {
                    return new EdgeNGramTokenFilter(stream, min, max, preserve);
                }
            };
        }));
        return out;
    }

    static final class LanguageAnalyzerProvider extends AbstractIndexAnalyzerProvider<Analyzer> {
        private final Analyzer analyzer;

        LanguageAnalyzerProvider(String name, Settings settings, Supplier<Analyzer> factory) {
            super(name, settings);
            this.analyzer = factory.get();
        }

        @Override
        public Analyzer get() {
            return analyzer;
        }
    }
}
