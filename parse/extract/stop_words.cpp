// parse/extract/stop_words.cpp — stop-word tables (de, en, ru, fr, es, it, pt, nl, pl) and a
// stop-word language guess. Pure; the table is a constant function-local static. Safe on any thread.
#include "parse/extract/stop_words.hpp"

#include "core/text.hpp"

#include <array>
#include <unordered_map>

namespace feedkeeper::parse {
namespace {

struct Language {
    std::string_view code;
    std::string_view words; // space separated, lower case
};

constexpr Language languages[] = {
    { "en", "the of and to a in that is was he for it with as his on be at by i this had not are but from or have an "
            "they which one you were her all she there would their we him been has when who will more no if out so "
            "said what up its about into than them can only other new some could time these two may then do first "
            "any my now such like our over me even most made after also did many before must through back years "
            "where much your way well down should because each just those how too very while during however" },
    { "de", "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden aus "
            "er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur oder aber "
            "vor zur bis mehr durch man sein wurde sei hatte kann gegen vom können schon wenn habe seine ihre dann "
            "unter wir soll ich eines jahr zwei diese dieser wieder keine seiner worden will zwischen immer was "
            "sagte gibt alle seit muss wurden beim doch jedoch sowie heute dabei" },
    { "ru", "и в не на что с по это к из а как он о у за то же от но для так все она его они бы ее мы вы был до "
            "было при только уже же или если когда еще ни под их также ли быть где там после этого может чтобы "
            "этом этой были есть будет который которые которая году года более них всех между очень со без об то" },
    { "fr", "le la les de des du et un une en est que qui dans pour pas sur au aux par plus ne se ce il elle sont "
            "avec son sa ses ont été être mais ou comme nous vous leur cette ces tout fait aussi entre" },
    { "es", "el la los las de del y en que un una es por con para no se su sus al lo como más pero fue ha son "
            "también entre sobre este esta desde todo cuando muy sin hay ya porque" },
    { "it", "il la le di del della e in che un una è per con non si sono al lo gli alla anche come più ma ha nel "
            "dei delle questo questa tra dopo essere stato" },
    { "pt", "o a os as de do da dos das e em que um uma é para com não se por mais como mas foi ao ele ela seu sua "
            "também pelo pela entre sobre" },
    { "nl", "de het een en van in is dat op te zijn met voor niet die aan er maar ook als bij om dan nog wel naar "
            "hij zij werd door over uit" },
    { "pl", "i w na z do nie się że to jest o jak po co ale od za przez przy jego jej tak już oraz są może był była "
            "było tylko jako który która które" },
};
constexpr std::size_t language_count = std::size(languages);

using WordTable = std::unordered_map<std::string_view, std::uint16_t>; // word -> language bit set

const WordTable& word_table()
{
    static const WordTable table = [] {
        WordTable built;
        for (std::size_t i = 0; i < language_count; ++i) {
            for (std::string_view word : split(languages[i].words, ' ')) {
                if (!word.empty())
                    built[word] |= static_cast<std::uint16_t>(1u << i);
            }
        }
        return built;
    }();
    return table;
}

} // namespace

bool is_stop_word(std::string_view lower_word)
{
    return word_table().contains(lower_word);
}

std::string guess_language(std::string_view lower_text)
{
    std::array<int, language_count> hits {};
    const WordTable& table = word_table();
    std::size_t start = 0;
    const auto flush = [&](std::size_t end) {
        if (end > start) {
            if (auto found = table.find(lower_text.substr(start, end - start)); found != table.end()) {
                for (std::size_t i = 0; i < language_count; ++i)
                    hits[i] += (found->second >> i) & 1;
            }
        }
    };
    for (std::size_t i = 0; i < lower_text.size(); ++i) {
        const auto c = static_cast<unsigned char>(lower_text[i]);
        const bool separator = c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
        if (separator) {
            flush(i);
            start = i + 1;
        }
    }
    flush(lower_text.size());
    std::size_t best = 0;
    std::size_t second = 1;
    for (std::size_t i = 1; i < language_count; ++i) {
        if (hits[i] > hits[best]) {
            second = best;
            best = i;
        } else if (i != best && hits[i] > hits[second]) {
            second = i;
        }
    }
    if (hits[best] < 8 || hits[best] * 2 < hits[second] * 3)
        return {};
    return std::string(languages[best].code);
}

} // namespace feedkeeper::parse
